"""Every published derivation, one module per topic, each named after what it proves.

A derivation is built from `nnnotes.check`; the page that prints it ties it to a chapter.
"""
