"""X12 5010 engine: read, parse, validate and write HIPAA transactions.

Pure Python and framework-free on purpose: it must never import Django so that the
CLI, workers and tests can use it without settings.
"""

from rcmdesk.x12.errors import X12EnvelopeError, X12Error, X12SyntaxError
from rcmdesk.x12.parser import Loop, Transaction, parse
from rcmdesk.x12.reader import Delimiters, Segment

__all__ = [
    "Delimiters",
    "Loop",
    "Segment",
    "Transaction",
    "X12EnvelopeError",
    "X12Error",
    "X12SyntaxError",
    "parse",
]
