"""``rcmdesk posting match|park|refund|unapplied|apply``: the same services as the page, as
a named user; refusals in words with exit 1."""

from __future__ import annotations

from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import ExceptionStatus, UnappliedCash
from rcmdesk.remits.tests.test_resolution import UNMATCHED, arrives, paid_twice
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.roles import Role

runner = CliRunner()


def as_specialist(world: World) -> list[str]:
    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save()
    return ["--client", "acme", "--as", world.user(Role.PARTNER_SPECIALIST).username]


def test_matching_from_the_command_line_posts_and_resolves(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    make_claim(world.acme, "REAL1", [("99213", "50.00")])
    out = runner.invoke(app, ["posting", "match", str(exception.pk), "--claim", "REAL1",
                              *as_specialist(world)])
    assert out.exit_code == 0, out.output
    assert "resolved (matched to claim REAL1: posted)" in out.output
    assert check_ledger() == []


def test_parking_then_the_aging_then_applying(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    who = as_specialist(world)
    assert runner.invoke(app, ["posting", "park", str(exception.pk), "--reason", "no claim",
                               *who]).exit_code == 0
    aging = runner.invoke(app, ["posting", "unapplied", *who])
    assert "0-30 days\t50.00" in aging.output
    cash = UnappliedCash.objects.get()
    make_claim(world.acme, "LATER", [("99213", "80.00")])
    out = runner.invoke(app, ["posting", "apply", str(cash.pk), "--claim", "LATER",
                              "--amount", "20", *who])
    assert out.exit_code == 0, out.output
    assert "30.00 left" in out.output
    assert check_ledger() == []


def test_a_refund_is_only_asked_and_a_refusal_exits_1_in_words(world: World) -> None:
    exception = paid_twice(world)
    who = as_specialist(world)
    out = runner.invoke(app, ["posting", "refund", str(exception.pk), "--reason", "twice",
                              *who])
    assert out.exit_code == 0, out.output
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN
    assert exception.refund is not None
    again = runner.invoke(app, ["posting", "park", str(exception.pk), "--reason", "x", *who])
    assert again.exit_code == 1
    assert "waits for the client's decision" in again.output
