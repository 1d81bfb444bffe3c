"""What every ``rcmdesk`` command module shares: Django setup, the client and user lookups,
the audit context and the one way a refusal is reported.

It lives apart from ``rcmdesk.cli`` so the apps' own command modules (``rcmdesk/<app>/cli.py``)
can use it without importing the root command, which imports them: no import cycle. It
imports only typer and rich at load time; Django is imported inside the functions, after
``setup_django()`` has run at the entry point.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import typer
from rich.console import Console

err = Console(stderr=True)


def setup_django() -> None:
    """Set Django up (idempotent); the root command calls it once before any subcommand."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcmdesk.settings")
    import django

    django.setup()


def channel() -> str:
    """The audit channel of a command: ``cli:`` and the operating-system user who ran it."""
    return f"cli:{getpass.getuser()}"


def cli_context() -> AbstractContextManager[Any]:
    """The audit context for a command run by the server's operator."""
    return audited(None)


def audited(user: Any) -> AbstractContextManager[Any]:
    """The audit context for a command run as ``user`` (``None``: the server's operator)."""
    from rcmdesk.audit.context import acting

    return acting(user, channel=channel())


def client_by_slug(slug: str) -> Any:
    """The client organization a command works on, or exit 2."""
    from rcmdesk.tenancy.models import Organization

    org = Organization.objects.filter(slug=slug, kind="client").first()
    if org is None:
        err.print(f"[red]No client organization with slug {slug!r}[/red]")
        raise typer.Exit(2)
    return org


def active_user(username: str, what: str) -> Any:
    """The active user named by option ``what`` (``--as``, ``--to``...), or exit 2."""
    from rcmdesk.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        err.print(f"[red]No active user {username!r} ({what})[/red]")
        raise typer.Exit(2)
    return user


def as_user(client: str, acting_as: str) -> tuple[Any, Any]:
    """The client and the ``--as`` user of an app's command (or exit 2)."""
    return client_by_slug(client), active_user(acting_as, "--as")


def refused(exc: Exception, who: str, client: str, work: str, *, may_not: str = "",
            unseen: str = "", as_unseen: bool = False) -> typer.Exit:
    """Exit 1 saying which refusal it was: the role may not, or the client is out of sight.

    ``may_not`` and ``unseen`` word the two cases for a command ("enter charges", "the
    claims of 'x'"); ``as_unseen`` reports both as out of sight, for a read that must not
    tell which it was."""
    from django.core.exceptions import PermissionDenied

    if isinstance(exc, PermissionDenied) and not as_unseen:
        err.print(f"[red]{who} may not {may_not or f'do this ({work})'}: {exc}[/red]")
    else:
        sight = unseen or f"client {client!r}'s {work}"
        err.print(f"[red]{who} does not see {sight}[/red]")
    return typer.Exit(1)


@contextmanager
def refusing(who: str, client: str, work: str, *, may_not: str = "", unseen: str = "",
             as_unseen: bool = False) -> Iterator[None]:
    """Report a PermissionDenied or Http404 raised inside as ``refused`` does, any other
    domain error (``rcmdesk.errors``) in its own words, and exit 1.

    The one ``except`` block every command used to repeat around its service call."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from rcmdesk.errors import DomainError

    try:
        yield
    except (PermissionDenied, Http404) as exc:
        raise refused(exc, who, client, work, may_not=may_not, unseen=unseen,
                      as_unseen=as_unseen) from None
    except DomainError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from None
