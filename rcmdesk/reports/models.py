"""Models of this app (see its services)."""
