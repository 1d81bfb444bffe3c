"""Lists of procedure codes as a playbook writes them: "70551-70553, 72148, J9*".

A range holds codes of the same form and length compared as text (CPT 70551..70553, HCPCS
J9000..J9999); a trailing star is a prefix. Codes are compared upper-cased and trimmed.
"""

from __future__ import annotations

from dataclasses import dataclass


class CodeListError(ValueError):
    pass


@dataclass(frozen=True)
class CodeList:
    exact: frozenset[str]
    ranges: tuple[tuple[str, str], ...]
    prefixes: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> CodeList:
        exact: set[str] = set()
        ranges: list[tuple[str, str]] = []
        prefixes: list[str] = []
        for part in (p.strip().upper() for p in text.replace(";", ",").split(",")):
            if not part:
                continue
            if part.endswith("*"):
                prefixes.append(part[:-1])
            elif "-" in part:
                low, high = (x.strip() for x in part.split("-", 1))
                if len(low) != len(high) or low > high:
                    raise CodeListError(f"range {part!r}: both ends need the same length, "
                                        "low end first")
                ranges.append((low, high))
            else:
                exact.add(part)
        return cls(frozenset(exact), tuple(ranges), tuple(prefixes))

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        code = code.strip().upper()
        return (code in self.exact
                or any(len(code) == len(lo) and lo <= code <= hi for lo, hi in self.ranges)
                or any(code.startswith(p) for p in self.prefixes))
