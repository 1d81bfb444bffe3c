"""/api/batches: list, detail, submit and download, tenant-scoped."""

from __future__ import annotations

from typing import Any

from rcmdesk.conftest import World
from rcmdesk.submission.tests.factories import draft_claim
from rcmdesk.submission.tests.sweep_data import birch_objects
from rcmdesk.tenancy.roles import Role


def test_staff_submit_through_the_api_then_read_and_download_the_batch(
        world: World, signed_in: Any) -> None:
    claim = draft_claim(world.acme, "PCN1")
    api = signed_in(Role.CLIENT_STAFF)
    sent = api.post("/api/batches/submit", {"client": "acme"}, content_type="application/json")
    assert sent.status_code == 201, sent.content
    [batch] = sent.json()
    assert (batch["kind"], batch["claims"]) == ("P", 1)
    listed = api.get("/api/batches").json()
    assert [b["id"] for b in listed] == [batch["id"]]
    assert listed[0]["acks"] == {"sent": 1, "accepted": 0, "rejected": 0}
    detail = api.get(f"/api/batches/{batch['id']}").json()
    assert detail["entries"][0]["claim_id"] == claim.pk
    assert detail["entries"][0]["set_control"] == "0001"
    file = api.get(f"/api/batches/{batch['id']}/file")
    assert file.content.startswith(b"ISA*")


def test_resubmitting_a_sent_claim_through_the_api_is_refused(world: World,
                                                              signed_in: Any) -> None:
    claim = draft_claim(world.acme, "PCN1")
    api = signed_in(Role.CLIENT_STAFF)
    api.post("/api/batches/submit", {"client": "acme"}, content_type="application/json")
    again = api.post("/api/batches/submit", {"client": "acme", "claims": [claim.pk]},
                     content_type="application/json")
    assert again.status_code == 422
    assert "Already in a sent batch" in again.content.decode()


def test_birch_batches_answer_404_over_the_api(world: World, signed_in: Any) -> None:
    birch = birch_objects(world)["batch_id"]
    api = signed_in(Role.CLIENT_STAFF)
    assert api.get(f"/api/batches/{birch}").status_code == 404
    assert api.get(f"/api/batches/{birch}/file").status_code == 404
    assert api.post("/api/batches/submit", {"client": "birch"},
                    content_type="application/json").status_code == 404
