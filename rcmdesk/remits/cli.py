"""``rcmdesk posting ...``: resolve a posting exception and apply unapplied cash as a named
user (``--as``), through the same services and checks as the pages and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer

from rcmdesk.cli_support import as_user, audited, refusing

Client = Annotated[str, typer.Option(help="client slug")]
As = Annotated[str, typer.Option("--as", help="username who acts")]
ExceptionId = Annotated[int, typer.Argument(help="posting exception id")]
Pcn = Annotated[str, typer.Option("--claim", help="the claim's patient control number")]
Text = Annotated[str, typer.Option("--reason", help="why (required)")]


def register(group: typer.Typer) -> None:
    group.command("match")(match)
    group.command("link")(link)
    group.command("park")(park)
    group.command("refund")(refund)
    group.command("review")(review)
    group.command("unapplied")(unapplied)
    group.command("apply")(apply)


def _resolve(client: str, acting_as: str, exception_id: int, act: Any, *,
             pcn: str = "", text: str = "") -> None:
    """Find the exception (and the claim) as the user sees them, act, say the outcome."""
    from django.http import Http404

    from rcmdesk.remits import queries

    org, user = as_user(client, acting_as)
    with refusing(acting_as, client, "posting", as_unseen=True), audited(user):
        exception = queries.get_exception(user, exception_id)
        if exception.client_id != org.pk:
            raise Http404("Not found.")
        target: Any = queries.client_claim(user, org.pk, pcn=pcn) if pcn else text
        outcome = act(exception, target, acting_user=user)
        exception.refresh_from_db()
    print(f"exception #{exception.pk}: {exception.status}"
          f"{' (' + exception.resolution + ')' if exception.resolution else ''}"
          f"{'; ' + str(outcome) if isinstance(outcome, str) else ''}")


def match(exception_id: ExceptionId, claim: Pcn, client: Client, acting_as: As) -> None:
    """Post an unmatched payment to a claim (once; the normal posting path)."""
    from rcmdesk.remits import resolution

    _resolve(client, acting_as, exception_id, resolution.match, pcn=claim)


def link(exception_id: ExceptionId, claim: Pcn, client: Client, acting_as: As) -> None:
    """Link a takeback to its original claim and post it there."""
    from rcmdesk.remits import resolution

    _resolve(client, acting_as, exception_id, resolution.link_takeback, pcn=claim)


def park(exception_id: ExceptionId, reason: Text, client: Client, acting_as: As) -> None:
    """Park the payment as unapplied cash."""
    from rcmdesk.remits import resolution

    _resolve(client, acting_as, exception_id, resolution.park, text=reason)


def refund(exception_id: ExceptionId, reason: Text, client: Client, acting_as: As) -> None:
    """Ask the client to refund the credit balance (its decision; nothing is paid yet)."""
    from rcmdesk.remits import resolution

    _resolve(client, acting_as, exception_id, resolution.request_refund, text=reason)


def review(exception_id: ExceptionId, reason: Text, client: Client, acting_as: As) -> None:
    """Mark an unknown adjustment code reviewed, saying what it means."""
    from rcmdesk.remits import resolution

    _resolve(client, acting_as, exception_id, resolution.review, text=reason)


def unapplied(client: Client, acting_as: As) -> None:
    """Unapplied cash still held: the aging by bucket, then one line per payment."""
    from rcmdesk.audit.services import record_listing
    from rcmdesk.remits import queries

    org, user = as_user(client, acting_as)
    with refusing(acting_as, client, "posting", as_unseen=True), audited(user):
        held = list(queries.unapplied_cash(user).filter(client=org))
        record_listing(held, "remits.unappliedcash", key="unapplied_cash",
                       detail={"cli": True})
    aging = queries.unapplied_aging(held)
    for label, amount in zip(aging.labels, aging.totals, strict=True):
        print(f"{label}\t{amount}")
    print(f"total\t{aging.total}")
    for u in held:
        print(f"#{u.pk}\t{u.parked_on}\t{u.remaining} of {u.amount}\t{u.reason}")


def apply(
    unapplied_id: Annotated[int, typer.Argument(help="unapplied cash id")],
    claim: Pcn, amount: Annotated[Decimal, typer.Option(help="how much")],
    client: Client, acting_as: As,
) -> None:
    """Apply some unapplied cash to a claim's open insurance balance."""
    from rcmdesk.remits import queries, resolution

    org, user = as_user(client, acting_as)
    with refusing(acting_as, client, "posting", as_unseen=True), audited(user):
        cash = queries.get_unapplied(user, unapplied_id)
        target = queries.client_claim(user, org.pk, pcn=claim)
        resolution.apply_cash(cash, target, amount, acting_user=user)
        cash.refresh_from_db()
    print(f"unapplied cash #{cash.pk}: {cash.remaining} left")
