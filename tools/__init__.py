"""Project tooling that is not part of the library (mutation testing)."""
