"""post_charges_many charges a whole list set-based: it must leave what one by one leaves."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rcmdesk.claims.models import Claim
from rcmdesk.claims.services import apply_837, post_charges, post_charges_many
from rcmdesk.claims.tests.test_apply_837 import _paid_with_patient_share, submission
from rcmdesk.conftest import World
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import ChargeKey, JournalEntry, LedgerEntry, PostingException
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role

D = Decimal


def uncharged(client: Organization, pcn: str, charges: list[str]) -> Claim:
    return make_claim(client, pcn, [("99213", c) for c in charges], charge=False)


def new_version(claim: Claim, charges: list[str]) -> Claim:
    """The claim rebilled: its lines' charges changed in place, the total with them."""
    for line, amount in zip(claim.lines.order_by("line_number"), charges, strict=True):
        line.charge = D(amount)
        line.save(update_fields=["charge"])
    claim.total_charge = sum((D(c) for c in charges), D(0))
    claim.version += 1
    claim.save(update_fields=["total_charge", "version"])
    return claim


def mixed_claims(client: Organization) -> list[Claim]:
    """Never charged, charged and unchanged, charged and rebilled, and a zero claim."""
    fresh = uncharged(client, "NEW1", ["100.00", "25.00"])
    same = uncharged(client, "SAME", ["80.00"])
    rebilled = uncharged(client, "REBILL", ["60.00", "40.00"])
    zero = uncharged(client, "ZERO", ["0.00"])
    post_charges(same)
    post_charges(rebilled)
    return [fresh, same, new_version(rebilled, ["75.00", "40.00"]), zero]


def picture(client: Organization) -> dict[str, Any]:
    """Per PCN: balances, charge keys and every journal with its entries (ids left out)."""
    out: dict[str, Any] = {}
    for claim in Claim.objects.filter(client=client).order_by("patient_control_number"):
        journals = [
            (j.kind, re.sub(r"#\d+", "#", j.memo), j.created_by_id,
             [(e.account, e.claim_line.line_number if e.claim_line else None, e.amount,
               e.reason) for e in j.entries.select_related("claim_line").order_by("pk")])
            for j in claim.journal_entries.order_by("pk")]
        keys = sorted(ChargeKey.objects.filter(claim=claim).values_list("digest", flat=True))
        out[claim.patient_control_number] = (claim.insurance_balance, claim.patient_balance,
                                             keys, journals)
    return out


def test_a_mixed_list_is_charged_exactly_as_one_claim_at_a_time(world: World) -> None:
    actor = world.user(Role.CLIENT_STAFF)
    for claim in mixed_claims(world.acme):
        post_charges(claim, acting_user=actor)
    charged = post_charges_many(mixed_claims(world.birch), acting_user=actor)
    assert picture(world.birch) == picture(world.acme)
    by_pcn = dict(Claim.objects.filter(client=world.birch)
                  .values_list("pk", "patient_control_number"))
    assert {by_pcn[pk] for pk in charged} == {"NEW1", "REBILL", "ZERO"}
    assert picture(world.birch)["REBILL"][0] == D("115.00")
    assert check_ledger() == []


def test_the_callers_claims_carry_their_new_balances(world: World) -> None:
    claims = mixed_claims(world.acme)
    post_charges_many(claims)
    assert [(c.patient_control_number, c.insurance_balance) for c in claims] == [
        ("NEW1", D("125.00")), ("SAME", D("80.00")), ("REBILL", D("115.00")),
        ("ZERO", D("0.00"))]


def test_a_second_call_posts_nothing_more(world: World) -> None:
    claims = mixed_claims(world.acme)
    post_charges_many(claims)
    rows = (JournalEntry.objects.count(), LedgerEntry.objects.count(), ChargeKey.objects.count())
    assert post_charges_many(claims) == set()
    assert (JournalEntry.objects.count(), LedgerEntry.objects.count(),
            ChargeKey.objects.count()) == rows
    assert check_ledger() == []


def test_a_claim_listed_twice_is_charged_once(world: World) -> None:
    claim = uncharged(world.acme, "TWICE", ["50.00"])
    post_charges_many([claim, Claim.objects.get(pk=claim.pk)])
    assert JournalEntry.objects.filter(claim=claim).count() == 1
    assert ChargeKey.objects.filter(claim=claim).count() == 1
    claim.refresh_from_db()
    assert claim.insurance_balance == D("50.00")


def test_a_version_charged_below_what_was_settled_is_flagged_as_a_credit_balance(
        world: World) -> None:
    apply_837(world.acme, submission("PCN5", ["100.00", "50.00"]))
    claim = new_version(_paid_with_patient_share(), ["100.00", "40.00"])
    post_charges_many([claim])
    assert (claim.insurance_balance, claim.patient_balance) == (D("-10.00"), D("30.00"))
    exception = PostingException.objects.get()
    assert exception.reason == "credit_balance"
    assert "insurance AR is -10.00" in exception.detail
    assert check_ledger() == []


def test_the_number_of_queries_does_not_grow_with_the_number_of_claims(world: World) -> None:
    def queries_for(prefix: str, count: int) -> int:
        claims = [uncharged(world.acme, f"{prefix}{n}", ["10.00", "5.00"]) for n in range(count)]
        fresh = list(Claim.objects.filter(pk__in=[c.pk for c in claims]))
        with CaptureQueriesContext(connection) as captured:
            post_charges_many(fresh)
        return len(captured.captured_queries)

    assert queries_for("FEW", 3) == queries_for("MANY", 40)
    assert check_ledger() == []
