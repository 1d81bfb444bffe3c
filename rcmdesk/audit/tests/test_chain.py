"""The HMAC link itself: pure functions, no database."""

from datetime import UTC, datetime

from rcmdesk.audit import chain, ed25519


def fields(**overrides):
    base = chain.event_fields(
        chain=1, seq=1, event_id=10, at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC), actor_id=7,
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
                        ("actor_username", "mallory"), ("client_org", 2), ("chain", 2),
                        ("id", 11), ("seq", 2)]:
        assert chain.link("k", chain.GENESIS, fields(**{name: value})) != original, name


def test_a_different_key_gives_a_different_hash():
    assert chain.link("k1", chain.GENESIS, fields()) != chain.link("k2", chain.GENESIS, fields())


def test_the_previous_hash_is_part_of_the_link():
    assert chain.link("k", "a" * 64, fields()) != chain.link("k", "b" * 64, fields())


def test_the_checkpoint_signature_is_rfc_8032_ed25519():
    """RFC 8032 section 7.1, test 1: any standard Ed25519 library checks what we sign."""
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = ed25519.public_key(seed)
    assert public.hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    signature = ed25519.sign(seed, b"")
    assert signature.hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
        "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    assert ed25519.verify(public, b"", signature)
    assert not ed25519.verify(public, b"x", signature)
    assert not ed25519.verify(public, b"", signature[:-1] + bytes([signature[-1] ^ 1]))


def test_the_signing_seed_is_rfc_5869_hkdf_of_the_audit_key():
    """RFC 5869 appendix A.3 (SHA-256, no salt, no info)."""
    okm = ed25519.hkdf_sha256(bytes.fromhex("0b" * 22), info=b"", length=42)
    assert okm.hex() == ("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                         "9d201395faa4b61a96c8")
