"""``rcmdesk appeals ...``: list appeals, record a filing and the payer's answer, as a named
user (``--as``), through the same services and checks as the pages and the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from rcmdesk.cli_support import active_user, as_user, audited, err, refusing


def register(group: typer.Typer) -> None:
    group.command("list")(list_appeals)
    group.command("file")(file_appeal)
    group.command("answer")(answer)


def list_appeals(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    state: Annotated[str, typer.Option(help="open (default), closed, all, or one status")
                     ] = "open",
    deadline: Annotated[str, typer.Option(help="flagged (past or near), past or near")] = "",
    level: Annotated[int | None, typer.Option(help="only this level")] = None,
) -> None:
    """One line per appeal: id, claim, level, state, deadline (and its flag), denied amount."""
    org, user = as_user(client, acting_as)
    from rcmdesk.denials import queries
    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    with refusing(acting_as, client, "appeals", as_unseen=True):
        require(user, Action.VIEW_TENANT_DATA, org.pk)
    f = queries.AppealFilter.parse({"state": state, "deadline": deadline, "level": level,
                                    "client": org.slug})
    with audited(user):
        found = list(queries.appeals(user, f)[:queries.LIST_LIMIT])
        queries.audit_listing(found, detail={"filters": f.as_params(), "cli": True})
    for row in queries.rows(found):
        a = row.appeal
        flag = f" ({row.flag.words})" if row.flag else ""
        print(f"{a.pk}\t{a.claim.patient_control_number}\tL{a.level}\t{row.state}\t"
              f"{a.deadline or '-'}{flag}\t{a.item.amount if a.item.amount is not None else '-'}")
    print(f"{len(found)} appeal(s)")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]{option} takes a date as YYYY-MM-DD, not {value!r}[/red]")
        raise typer.Exit(2) from None


def _appeal(user: Any, appeal_id: int, acting_as: str) -> Any:
    from rcmdesk.denials import queries

    with refusing(acting_as, "", "appeals", unseen=f"appeal {appeal_id}", as_unseen=True):
        return queries.get_appeal(user, appeal_id)


def file_appeal(
    appeal_id: Annotated[int, typer.Argument(help="appeal id")],
    acting_as: Annotated[str, typer.Option("--as", help="username who filed it")],
    on: Annotated[str, typer.Option(help="the day it was filed, YYYY-MM-DD")],
    channel: Annotated[str, typer.Option(help="portal, fax, mail or electronic")],
    reference: Annotated[str, typer.Option(help="the payer's reference")] = "",
) -> None:
    """Record that the appeal went to the payer. Exit 1 when refused, 2 on bad options."""
    user = active_user(acting_as, "--as")
    from rcmdesk.denials import appeals

    filed_on = _day(on, "--on")
    appeal = _appeal(user, appeal_id, acting_as)
    with audited(user), refusing(acting_as, appeal.client.slug, "appeals",
                                 may_not="file this appeal"):
        done = appeals.record_filed(appeal, appeal.version, acting_user=user, filed_on=filed_on,
                                    channel=channel, reference=reference)
    print(f"appeal {done.pk}: {done.state_label}")


def answer(
    appeal_id: Annotated[int, typer.Argument(help="appeal id")],
    acting_as: Annotated[str, typer.Option("--as", help="username who records it")],
    outcome: Annotated[str, typer.Option(help="overturned, partially_overturned or upheld")],
    on: Annotated[str, typer.Option(help="the day the payer answered, YYYY-MM-DD")],
    expected: Annotated[str, typer.Option(help="what the overturn will pay")] = "",
    note: Annotated[str, typer.Option(help="what the payer said")] = "",
) -> None:
    """Record the payer's answer. Exit 1 when refused, 2 on bad options."""
    user = active_user(acting_as, "--as")
    from rcmdesk.denials import appeals

    decided_on = _day(on, "--on")
    try:
        amount = Decimal(expected) if expected else None
    except InvalidOperation:
        err.print(f"[red]--expected takes an amount such as 150.00, not {expected!r}[/red]")
        raise typer.Exit(2) from None
    appeal = _appeal(user, appeal_id, acting_as)
    with audited(user), refusing(acting_as, appeal.client.slug, "appeals",
                                 may_not="record the payer's answer"):
        done = appeals.record_outcome(appeal, appeal.version, acting_user=user, outcome=outcome,
                                      decided_on=decided_on, expected_amount=amount, note=note)
    print(f"appeal {done.pk}: {done.state_label}")
