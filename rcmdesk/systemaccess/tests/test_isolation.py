"""The registry's routes in the isolation sweep, on their own (the whole sweep runs them
too): another client's or partner's login, revocation or engagement answers as a missing one."""

from __future__ import annotations

from rcmdesk.tenancy.tests.sweep import Sweep
from rcmdesk.tenancy.tests.test_isolation_sweep import sweep  # noqa: F401  (the fixture)


def test_no_registry_route_leaks_another_tenant_to_any_role(sweep: Sweep) -> None:  # noqa: F811
    leaks = sweep.run(only="access/")
    assert leaks == [], "\n".join(str(leak) for leak in leaks)
