"""What a client admin types is refused in words their IT person acts on, and a refusal
never quotes the secret."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from rcmdesk.connectivity.models import ConnectionKind
from rcmdesk.connectivity.tests.connection_factories import (
    certificate_pem,
    core_values,
    host_key,
    private_key,
    sftp_values,
)
from rcmdesk.connectivity.validation import ConnectionProblem, check_secret, clean_connection


def refusal(values: dict[str, Any]) -> ConnectionProblem:
    with pytest.raises(ConnectionProblem) as caught:
        clean_connection(values)
    return caught.value


def secret_refusal(connection_kind: str, kind: str, value: str) -> str:
    with pytest.raises(ConnectionProblem) as caught:
        check_secret(connection_kind, kind, value, timezone.now())
    message = str(caught.value)
    assert value.strip() not in message
    return message


def test_a_complete_sftp_mailbox_is_accepted_and_its_host_key_normalised() -> None:
    key = host_key()
    data = clean_connection(sftp_values(host_key=f"  {key} comment-from-keyscan\n"))
    assert data["host_key"] == key
    assert data["carries"] == "837 270 276 278"
    keyscan = clean_connection(sftp_values(host_key=f"[127.0.0.1]:2222 {key}"))
    assert keyscan["host_key"] == key


@pytest.mark.parametrize(("missing", "words"), [
    ("host", "host name"), ("username", "user name"), ("host_key", "host key"),
    ("outbound_dir", "upload"), ("inbound_dir", "answers arrive")])
def test_an_sftp_mailbox_names_what_it_still_needs(missing: str, words: str) -> None:
    problem = refusal(sftp_values(**{missing: ""}))
    assert problem.field == missing
    assert words in str(problem)


def test_a_host_key_that_does_not_parse_is_refused_with_how_to_get_it() -> None:
    problem = refusal(sftp_values(host_key="ssh-ed25519 not-a-key"))
    assert problem.field == "host_key"
    assert "ssh-keyscan" in str(problem)


def test_a_host_given_as_an_address_is_refused() -> None:
    assert "without sftp://" in str(refusal(sftp_values(host="sftp://x.example.com/in")))


def test_archiving_needs_an_archive_folder() -> None:
    assert refusal(sftp_values(archive_dir="")).field == "archive_dir"
    assert clean_connection(sftp_values(archive_dir="", after_download="delete"))


def test_a_port_out_of_range_is_refused() -> None:
    assert refusal(sftp_values(port=70000)).field == "port"


def test_carries_only_known_transaction_sets() -> None:
    assert "837 (claims)" in str(refusal(sftp_values(carries="837 999")))


def test_a_core_endpoint_must_be_https() -> None:
    problem = refusal(core_values(endpoint_url="http://core.example.com/x12"))
    assert problem.field == "endpoint_url"
    assert "https://" in str(problem)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8800/core", "http://localhost:1/x",
                                 "http://[::1]:9/x"])
def test_plain_http_is_allowed_to_this_machine_for_the_simulator(url: str) -> None:
    assert clean_connection(core_values(endpoint_url=url))["endpoint_url"] == url


def test_a_core_connection_needs_its_endpoint() -> None:
    assert refusal(core_values(endpoint_url="")).field == "endpoint_url"


def test_oauth_needs_both_the_token_address_and_the_client_id() -> None:
    problem = refusal(core_values(token_url="https://core.example.com/token"))
    assert problem.field == "oauth_client_id"


def test_core_answers_within_sixty_seconds() -> None:
    assert "60" in str(refusal(core_values(timeout_seconds=90)))


def test_an_encrypted_private_key_is_refused_without_quoting_it() -> None:
    message = secret_refusal(ConnectionKind.SFTP, "private_key", private_key("pass phrase"))
    assert "passphrase" in message


def test_a_private_key_that_does_not_parse_is_refused() -> None:
    assert "BEGIN" in secret_refusal(ConnectionKind.SFTP, "private_key", "hunter2 key text")


def test_a_certificate_without_its_key_is_refused() -> None:
    pem = certificate_pem()
    only_cert = pem[:pem.index("-----BEGIN PRIVATE KEY")]
    assert "private key is missing" in secret_refusal(ConnectionKind.CORE_REST,
                                                      "client_cert", only_cert)


def test_an_expired_certificate_is_refused() -> None:
    pem = certificate_pem(days=-1, valid_from_days=-30)
    assert "expired on" in secret_refusal(ConnectionKind.CORE_SOAP, "client_cert", pem)


def test_a_certificate_with_someone_elses_key_is_refused() -> None:
    pem = certificate_pem(other_key=True)
    assert "does not belong" in secret_refusal(ConnectionKind.CORE_REST, "client_cert", pem)


def test_a_password_protected_certificate_key_is_refused() -> None:
    pem = certificate_pem(password=b"guess me")
    assert "protected by a password" in secret_refusal(ConnectionKind.CORE_REST,
                                                       "client_cert", pem)


def test_a_secret_of_the_wrong_kind_for_the_connection_is_refused() -> None:
    message = secret_refusal(ConnectionKind.SFTP, "oauth_secret", "abc")
    assert "password or ssh private key" in message


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ConnectionProblem, match="empty"):
        check_secret(ConnectionKind.SFTP, "password", "  ", timezone.now())
