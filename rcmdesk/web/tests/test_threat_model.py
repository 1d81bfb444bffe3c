"""Every test THREAT_MODEL.md cites as proof exists, so the document cannot drift."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[3]
REFERENCE = re.compile(r"`((?:[\w/]+\.py)?(?:::\w+)?)`")


def cited() -> list[tuple[str, str | None]]:
    text = (ROOT / "THREAT_MODEL.md").read_text()
    current, out = "", []
    for token in REFERENCE.findall(text):
        path, _, name = token.partition("::")
        if path:
            current = path
        if current and (path.endswith(".py") or name):
            out.append((current, name or None))
    return out


def test_every_cited_test_file_and_test_exists():
    missing = []
    for path, name in cited():
        source = ROOT / "rcmdesk" / path
        if not source.exists():
            missing.append(path)
        elif name and not re.search(rf"def {name}\(", source.read_text()):
            missing.append(f"{path}::{name}")
    assert missing == []
    assert len(cited()) > 40
