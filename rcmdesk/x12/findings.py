"""Located validation findings shared by the reader, parser and validator."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; only errors make ``validate`` exit non-zero."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place in one file."""

    file: str
    position: int
    segment_id: str
    element: int
    rule: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.position}:{self.segment_id}:{self.element}: "
            f"{self.severity.value}: {self.message} [{self.rule}]"
        )
