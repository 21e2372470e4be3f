"""Who is using the app: the session's identity, and the audience every page reads with.

The role never comes from a widget. With an identity provider configured (``st.login``) it comes
from the logged-in user; without one the app runs in an explicit single-user local mode whose
role is set by ``KEZHUAN_LOCAL_ROLE`` and shown in a banner.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from assistant.index.visibility import Audience, Role

__all__ = ["SessionIdentity", "current_identity"]


@dataclass(frozen=True)
class SessionIdentity:
    """The person behind this browser session."""

    user_id: str
    name: str
    role: Role
    local: bool

    @property
    def audience(self) -> Audience:
        return Audience(self.role, self.user_id)


def current_identity() -> SessionIdentity:
    """The session's identity (local mode until log-in is configured)."""
    role = Role(os.environ.get("KEZHUAN_LOCAL_ROLE", Role.RESEARCHER.value))
    user = os.environ.get("KEZHUAN_USER", "local")
    return SessionIdentity(user_id=user, name=user, role=role, local=True)
