"""One name for the person a change is made on behalf of: the keyword-only ``acting_user``.

A service that changes state for someone (a page, the API, the CLI, a task or the demo
calls it) takes that person as ``acting_user`` after the ``*``, as Zulip does: a call reads
``claim(item, version, acting_user=request.user)``, so a positional mix-up of the acting
person with the user being changed (an assignee, a member) cannot compile past mypy or slip
through review. Functions that only *read* for a viewer keep a positional ``user``.

This check parses the domain modules and fails when a public function takes the acting
person positionally, or names it ``actor`` or ``supervisor``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]

ACTING = "acting_user"
PERSON_NAMES = {"user", "actor", "supervisor", ACTING}
OTHER_NAMES = {"actor", "supervisor"}  # the acting person under another name

# Packages and modules that are not the service layer, with the reason for each:
EXEMPT_PARTS = {
    "tests": "tests call services; they are not services",
    "migrations": "migrations run once, for nobody",
    "x12": "the pure X12 engine knows no people",
    "synth": "the synthetic-data generator knows no people",
    "web": "the web edge hands request.user to services",
    "api": "the API edge hands request.user to services",
    "templatetags": "template tags only read for the page's viewer",
}
EXEMPT_FILES = {
    "queries.py": "read-only visibility filters on behalf of a viewer: they keep `user`",
    "counts.py": "the one definition of each count, read for a viewer: keeps `user`",
    "timeline.py": "the claim's story as a viewer may see it, read only: keeps `user`",
    "models.py": "querysets' visible_to(user) filter for a viewer, read only",
    "forms.py": "forms validate input; the view passes the person to the service",
    "authz.py": "permission checks ask about a viewer; they change nothing",
    "visibility.py": "the visibility function answers what a viewer may see",
    "signals.py": "Django receivers: Django names their arguments",
    "middleware.py": "request middleware: the edge, it reads request.user",
    "context.py": "the audit context installs the person for code not handed one",
    "tasks.py": "task entry points take ids and hand the person to services",
    "cli_support.py": "the CLI edge: `as_user` finds the person a command acts as",
    "conftest.py": "test fixtures",
}
# The edges (pages, API routes, URL maps, admin, commands, with their prefixed kin such as
# deposit_views.py) hand request.user or the --as user on; app configs only register.
EDGE_SUFFIXES = ("views.py", "api.py", "urls.py", "admin.py", "cli.py", "apps.py")

# Public functions in service modules that read for a viewer (or take the user they are
# about, not the one acting), so keep a positional ``user``; each with its reason:
READS_FOR_A_VIEWER = {
    "accounts/people.py": {"person": "says whether a user is a signed-in person"},
    "accounts/services.py": dict.fromkeys(
        ["client_of", "disable_user", "start_enrollment", "install_totp", "invite_to_enroll",
         "enrollment_allowed"], "the user is the account changed, not the one acting"),
    "accounts/members.py": dict.fromkeys(["members", "member"], "a client admin's read"),
    "audit/services.py": dict.fromkeys(
        ["events_of_own_organization", "own_organization_chain",
         "checkpoints_of_own_organization"], "a client admin's read of the trail"),
    "assessments/access.py": dict.fromkeys(
        ["assessments_for", "assessment_for", "sees_claims", "require_platform_admin",
         "require_runner"],
        "which assessments a viewer may open"),
    "capacity/services.py": dict.fromkeys(
        ["authorize", "action_durations", "histories", "plans", "productivity"],
        "capacity figures are computed for a viewer; nothing is written"),
    "charges/preview.py": {"preview": "the scrubber's verdict; rolled back, nothing written"},
    "charges/services.py": {"may_enter": "a permission question"},
    "claims/lookup.py": dict.fromkeys(["search", "matching_claims", "matching_visits"],
                                      "the header's search: what a viewer may see"),
    "decisions/services.py": {"may_decide": "a permission question"},
    "escalations/services.py": dict.fromkeys(
        ["owner_time_zone", "may_raise", "may_manage", "may_take", "can_own", "visible",
         "get_visible", "search", "client_for", "raisable_clients",
         "require_visible_client"], "reads and permission questions for a viewer"),
    "remits/ledger.py": {"actor_id": "maps a person to the id a journal stores"},
    "scrubber/services.py": {"require_scrub": "a permission question"},
    "tenancy/services.py": {"visible_engagement": "a read for a viewer"},
    "workqueue/services.py": {
        "claimable": "the items a viewer could claim, read only",
        **dict.fromkeys(["lanes", "lane_items", "next_query"],
                        "the queues and the statement Get next reads for the claiming "
                        "person; claim_next itself takes acting_user"),
    },
}


def _exempt(path: Path) -> bool:
    relative = path.relative_to(PACKAGE)
    return (bool(EXEMPT_PARTS.keys() & set(relative.parts[:-1]))
            or path.name in EXEMPT_FILES or path.name.endswith(EDGE_SUFFIXES))


def misnamed_people(source: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """``function: parameter`` for each public module-level function that takes the acting
    person positionally or under another name (``allowed`` functions may read for a
    positional ``user``)."""
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name[0] == "_":
            continue
        args = node.args
        positional = [a.arg for a in [*args.posonlyargs, *args.args]
                      if a.arg in PERSON_NAMES]
        if node.name in allowed:
            positional = [name for name in positional if name != "user"]
        keyword = [a.arg for a in args.kwonlyargs if a.arg in OTHER_NAMES]
        found += [f"{node.name}: {name}" for name in [*positional, *keyword]]
    return found


def _service_modules() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py")) if not _exempt(path)]


def test_the_check_refuses_the_acting_person_positionally_or_by_another_name() -> None:
    source = ("def claim(user, item): ...\n"
              "def close(items, *, actor): ...\n"
              "def assign(supervisor, items): ...\n"
              "def act(acting_user, item): ...\n"
              "def search(user, text): ...\n"
              "def release(item, *, acting_user): ...\n"
              "def _helper(user): ...\n")
    assert misnamed_people(source, frozenset({"search"})) == [
        "claim: user", "close: actor", "assign: supervisor", "act: acting_user"]


def test_every_service_takes_the_acting_person_as_keyword_only_acting_user() -> None:
    modules = _service_modules()
    assert PACKAGE / "workqueue" / "services.py" in modules
    assert PACKAGE / "workqueue" / "queries.py" not in modules
    found = {}
    for path in modules:
        relative = path.relative_to(PACKAGE).as_posix()
        allowed = frozenset(READS_FOR_A_VIEWER.get(relative, {}))
        if problems := misnamed_people(path.read_text(encoding="utf-8"), allowed):
            found[relative] = problems
    assert not found, (
        "Take the acting person as keyword-only `acting_user` (after `*`); a read for a "
        f"viewer keeps `user` and is listed in READS_FOR_A_VIEWER: {found}")


def test_every_allowed_reader_still_exists() -> None:
    """A stale entry would let a new function of that name slip through unexamined."""
    missing = []
    for relative, names in READS_FOR_A_VIEWER.items():
        tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        missing += [f"{relative}: {name}" for name in names if name not in defined]
    assert not missing
