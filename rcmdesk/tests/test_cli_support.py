"""The one refusal of every command: a role that may not is told what it may not do, a client
out of sight is named, and the exit status is 1, worded exactly as each command said it
before the per-app copies were folded into ``rcmdesk.cli_support``."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.cli_support import refusing
from rcmdesk.errors import Invalid


def refusal(raised: Exception, capsys: pytest.CaptureFixture[str], **wording: Any) -> str:
    """What ``refusing`` prints on stderr for ``raised``, after checking it exits 1."""
    with pytest.raises(typer.Exit) as caught, refusing("ann", "acme", "QA audits", **wording):
        raise raised
    assert caught.value.exit_code == 1
    return capsys.readouterr().err.strip()


def test_a_role_that_may_not_is_told_the_work_and_the_reason(capsys):
    assert refusal(PermissionDenied("not a QA auditor"), capsys) == (
        "ann may not do this (QA audits): not a QA auditor")


def test_a_command_can_name_what_the_role_may_not_do(capsys):
    assert refusal(PermissionDenied("no"), capsys, may_not="enter charges") == (
        "ann may not enter charges: no")


def test_a_client_out_of_sight_is_named_with_the_work(capsys):
    assert refusal(Http404(), capsys) == "ann does not see client 'acme''s QA audits"


def test_a_command_can_word_what_is_out_of_sight(capsys):
    assert refusal(Http404(), capsys, unseen="the claims of 'acme'") == (
        "ann does not see the claims of 'acme'")


def test_a_read_can_report_a_refused_role_as_out_of_sight(capsys):
    assert refusal(PermissionDenied("no"), capsys, as_unseen=True) == (
        "ann does not see client 'acme''s QA audits")


def test_other_errors_pass_through_untouched():
    with pytest.raises(ValueError, match="bad week"), refusing("ann", "acme", "QA audits"):
        raise ValueError("bad week")


def test_a_domain_refusal_is_told_in_its_own_words(capsys):
    assert refusal(Invalid("The approved dates end before they start."), capsys) == (
        "The approved dates end before they start.")
