"""The data directory: where everything lives, safe writes, the lock, the Parquet store, the
query-path copy, the history journal and its digest, availability files, settings."""
