"""The ФЕРЗЛ screens of the console: request journal, search, operations in flight (EXT-4)."""
