"""This app's API routes, mounted by ``rcmdesk.api.api``."""

from __future__ import annotations

from ninja import Router

router = Router()
