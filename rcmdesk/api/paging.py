"""Bounds of the numbers the API takes for rows and ids."""

from __future__ import annotations

# The largest primary key the database can hold (a signed 64-bit BigAutoField).
ID_MAX = 2**63 - 1
