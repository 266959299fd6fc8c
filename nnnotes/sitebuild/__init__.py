"""Build machinery of the nnnotes site: a MkDocs plugin, build-time KaTeX, the verification report.

Nothing here is mathematics; the chapters never import it. It is part of the package so that it is
linted, annotated and unit-tested like the rest.
"""
