"""Database plumbing every app shares (no models): ``bulk``, the one bulk-write module."""
