"""The built-in rules, one module per topic; importing this package registers them all."""

from rcmdesk.scrubber.rules import (  # noqa: F401
    authorization,
    codes,
    dates,
    duplicates,
    filing,
    money,
    provider,
    required,
)
