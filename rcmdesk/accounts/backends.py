from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class ActiveUserBackend(ModelBackend):
    """Django's model backend; named so the settings say what it guarantees.

    ``ModelBackend.get_user`` already refuses inactive users, so a disabled account's
    surviving session cookie authenticates as nobody even before its sessions are deleted.
    """
