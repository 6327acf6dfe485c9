"""Pure-Python engines (siting, linkage, matching). They take and return plain data and
never import Django; an import-linter contract in pyproject.toml keeps it so."""
