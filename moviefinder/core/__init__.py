"""Pure code on records and arrays: titles, query reading, scoring and ranking, visibility,
taste, explanations. Imports nothing above it (import-linter's contract in pyproject.toml)."""
