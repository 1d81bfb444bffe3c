"""``rcmdesk decisions ...``: list proposals and decide one, as a named user (``--as``), with
the same checks as the pages — a partner role is refused a decision here as everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from rcmdesk.cli_support import active_user, audited, client_by_slug, err, refusing


def register(group: typer.Typer) -> None:
    group.command("list")(list_proposals)
    group.command("decide")(decide)


def list_proposals(
    client: Annotated[str, typer.Option(help="client slug")],
    acting_as: Annotated[str, typer.Option("--as", help="username who reads")],
    status: Annotated[str, typer.Option(help="proposed (default), approved, rejected, "
                                        "executed, failed, withdrawn or all")] = "proposed",
    kind: Annotated[str, typer.Option(help="only this kind")] = "",
) -> None:
    """One line per proposal: id, status, kind, amount, claim, proposer, reasons."""
    user = active_user(acting_as, "--as")

    from rcmdesk.decisions import queries
    from rcmdesk.tenancy.authz import require
    from rcmdesk.tenancy.roles import Action

    org = client_by_slug(client)
    with refusing(acting_as, client, "decisions", as_unseen=True):
        require(user, Action.VIEW_TENANT_DATA, org.pk)
    f = queries.InboxFilter.parse({"status": status, "kind": kind, "client": org.slug})
    with audited(user):
        rows = list(queries.proposals(user, f))
        queries.audit_listing(rows, detail={"cli": True, "status": f.status, "kind": f.kind})
    for p in rows:
        print(f"{p.pk}\t{p.status}\t{p.kind}\t{p.amount if p.amount is not None else '-'}\t"
              f"{p.claim.patient_control_number if p.claim else '-'}\t"
              f"{getattr(p.proposed_by, 'username', '-')}\t{p.reasons[:80]}")
    print(f"{len(rows)} proposal(s)")


def decide(
    proposal_id: Annotated[int, typer.Argument(help="proposal id")],
    acting_as: Annotated[str, typer.Option("--as", help="username who decides")],
    approve: Annotated[bool, typer.Option("--approve", help="approve it")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="reject it")] = False,
    comment: Annotated[str, typer.Option(help="why (required to reject)")] = "",
) -> None:
    """Approve or reject one proposal. Exit 0 when decided, 1 when refused or already
    decided, 2 on bad options."""
    user = active_user(acting_as, "--as")
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from rcmdesk.decisions import queries, services

    if approve == reject:
        err.print("[red]Say --approve or --reject (one of them)[/red]")
        raise typer.Exit(2)
    try:
        with audited(user):
            proposal = queries.get_proposal(user, proposal_id)
            done = services.decide(proposal, approve, comment, acting_user=user)
    except Http404:
        err.print(f"[red]{acting_as} sees no proposal {proposal_id}[/red]")
        raise typer.Exit(1) from None
    except PermissionDenied as exc:
        err.print(f"[red]{acting_as} may not decide: {exc} Decisions are the client "
                  "managers'.[/red]")
        raise typer.Exit(1) from None
    except (services.AlreadyDecided, services.ProposalProblem) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    print(f"proposal {done.pk}: {done.status}"
          + (f", journal {done.result['journal_id']}" if done.result.get("journal_id") else ""))
