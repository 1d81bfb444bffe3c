"""Deterministic synthetic revenue-cycle data: a world, 837 claims and payer responses.

Pure Python like ``rcmdesk.x12`` (the only rcmdesk package it uses), so demos, load
tests and the CLI can generate data without Django. No real patient data: every name,
identifier and amount is drawn from a seeded ``random.Random``.
"""

from rcmdesk.synth.generate import DEFAULT_ANCHOR, generate
from rcmdesk.synth.manifest import Manifest, PayerTotals
from rcmdesk.synth.world import Coverage, Patient, Payer, Practice, Provider, World, build_world

__all__ = [
    "DEFAULT_ANCHOR",
    "Coverage",
    "Manifest",
    "Patient",
    "Payer",
    "PayerTotals",
    "Practice",
    "Provider",
    "World",
    "build_world",
    "generate",
]
