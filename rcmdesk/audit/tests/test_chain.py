"""The HMAC link itself: pure functions, no database."""

from datetime import UTC, datetime

from rcmdesk.audit import chain


def fields(**overrides):
    base = chain.event_fields(
        seq=1, at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC), actor_id=7,
        actor_username="acme.admin", acting_org_id=1, client_org_id=1, action="read",
        object_type="claims.claim", object_id="42", ip="127.0.0.1", request_id="r1",
        detail={"a": 1},
    )
    return {**base, **overrides}


def test_the_same_event_links_to_the_same_hash():
    assert chain.link("k", chain.GENESIS, fields()) == chain.link("k", chain.GENESIS, fields())


def test_any_changed_field_changes_the_hash():
    original = chain.link("k", chain.GENESIS, fields())
    for name, value in [("action", "update"), ("object_id", "43"), ("detail", {"a": 2}),
                        ("actor_username", "mallory"), ("client_org", 2)]:
        assert chain.link("k", chain.GENESIS, fields(**{name: value})) != original, name


def test_a_different_key_gives_a_different_hash():
    assert chain.link("k1", chain.GENESIS, fields()) != chain.link("k2", chain.GENESIS, fields())


def test_the_previous_hash_is_part_of_the_link():
    assert chain.link("k", "a" * 64, fields()) != chain.link("k", "b" * 64, fields())
