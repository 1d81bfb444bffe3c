"""The hash-pinned locks and the SBOM describe exactly what pyproject.toml pins.

`make install` installs only from the locks (pip's hash-checking mode) and a vulnerability
audit reads the SBOM where advisory databases can be reached, so a pin changed in
pyproject.toml without `make lock` would leave both telling an old story. These tests fail
first, naming the package.
"""

import json
import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[3]
REQUIREMENTS = ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    found = {}
    for line in requirements:
        match = PIN.match(line.strip())
        if match:
            found[normalized(match[1])] = match[2]
    return found


def locked(name: str) -> dict[str, list[str]]:
    """Each locked package with its recorded sha256 hashes."""
    text = (REQUIREMENTS / name).read_text().replace("\\\n", " ")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            out[f"{normalized(match[1])}=={match[2]}"] = re.findall(r"--hash=sha256:(\w+)", line)
    return out


def project() -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return table


def versions(lock: dict[str, list[str]]) -> dict[str, str]:
    return dict(entry.split("==") for entry in lock)


def test_every_runtime_pin_is_locked_at_the_same_version():
    lock = versions(locked("run.txt"))
    wanted = pins(project()["dependencies"])
    assert {name: lock.get(name) for name in wanted} == wanted


def test_every_test_pin_and_runtime_pin_is_in_the_test_lock():
    lock = versions(locked("test.txt"))
    extras = project()["optional-dependencies"]["test"]
    wanted = pins(project()["dependencies"] + extras)
    assert {name: lock.get(name) for name in wanted} == wanted


def test_the_runtime_lock_is_a_subset_of_the_test_lock():
    assert set(locked("run.txt")) - set(locked("test.txt")) == set()


def test_every_locked_package_carries_at_least_one_hash():
    for name in ("run.txt", "test.txt", "tools.txt"):
        unhashed = [entry for entry, hashes in locked(name).items() if not hashes]
        assert unhashed == [], name


def test_the_sbom_lists_exactly_the_runtime_lock_with_its_hashes():
    bom = json.loads((REQUIREMENTS / "sbom.cdx.json").read_text())
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["metadata"]["component"]["name"] == "rcmdesk"
    listed = {}
    for component in bom["components"]:
        hashes = [h["content"] for ref in component.get("externalReferences", [])
                  for h in ref.get("hashes", [])]
        listed[f"{normalized(component['name'])}=={component['version']}"] = sorted(hashes)
    lock = {entry: sorted(hashes) for entry, hashes in locked("run.txt").items()}
    assert listed == lock
