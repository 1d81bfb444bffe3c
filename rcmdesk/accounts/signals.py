"""Session bookkeeping: record each login's session, end them all when a user is disabled."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from rcmdesk.accounts.middleware import LAST_ACTIVITY, STARTED
from rcmdesk.accounts.models import User, UserSession
from rcmdesk.tenancy.signals import TRIGGER_USER_DISABLED, access_ending


@receiver(user_logged_in)
def remember_session(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    assert key is not None
    UserSession.objects.update_or_create(session_key=key, defaults={"user": user})
    # Both clocks start at sign-in, not at the first request after it.
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST_ACTIVITY] = now


@receiver(pre_save, sender=User)
def end_sessions_of_disabled_user(sender: Any, instance: User, **kwargs: Any) -> None:
    """Every way an account is disabled saves it (``disable_user``, a member's page, the site
    admin): here its sessions end and ``access_ending`` tells the access registry, in the
    saving transaction, so the revocations it opens commit or roll back with the change."""
    if instance.pk is None or instance.is_active:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        end_all_sessions(instance)
        access_ending.send(sender=User, user=instance, engagement=None,
                           trigger=TRIGGER_USER_DISABLED, acting_user=None)


def end_all_sessions(user: User, *, revoke_tokens: bool = True) -> int:
    """Delete every tracked session of ``user`` (and revoke their API tokens); returns how
    many sessions were still alive."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    alive, _ = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    if revoke_tokens:
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return alive


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    from rcmdesk.accounts.services import client_of
    from rcmdesk.audit.services import record

    record("login", client_id=client_of(user), acting_user=user, obj=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    from rcmdesk.accounts.services import client_of
    from rcmdesk.audit.services import record

    if user is not None:
        record("logout", client_id=client_of(user), acting_user=user, obj=user)


@receiver(user_login_failed)
def audit_login_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    from rcmdesk.audit.services import record

    username = str(credentials.get("username", ""))[:150]
    record("login_failed", client_id=None, detail={"username": username})


@receiver(user_locked_out)
def audit_lockout(sender: Any, request: HttpRequest, username: str | None = None,
                  **kwargs: Any) -> None:
    from rcmdesk.audit.services import record

    record("login_locked_out", client_id=None, detail={"username": str(username or "")[:150]})
