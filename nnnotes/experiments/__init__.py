"""The computations behind the pages' tables and figures, returning named results (frozen dataclasses).

They call the library (`nnnotes`) and, where a page needs it, the checking engine; figures in
`nnnotes.figures` take the same result objects.
"""
