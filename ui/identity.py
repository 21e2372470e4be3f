"""Who is using the app: the session's identity, and the audience every page reads with.

The role never comes from a widget. With an identity provider configured (an ``[auth]``
section in ``.streamlit/secrets.toml``, used by ``st.login``) it comes from the logged-in
user: the officers' roles file or a role claim (:mod:`assistant.roles`), enterprise for anyone
else. Without one the app runs in an explicit single-user local mode whose role is set by
``KEZHUAN_LOCAL_ROLE`` (and researcher id by ``KEZHUAN_USER``) and shown in a banner.

Usage example::

    identity = current_identity()
    index.search("赋权", identity.audience)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.index.visibility import Audience, Role
from assistant.roles import RolesFile, resolve_grant, valid_researcher_id

__all__ = ["ROLE_LABELS", "SessionIdentity", "current_identity", "login_required", "oidc_configured"]

ROLE_LABELS = {Role.RESEARCHER: "科研人员", Role.OFFICER: "成果转化专员", Role.ENTERPRISE: "企业"}
LOCAL_USER = "local"  # the single local user's id when KEZHUAN_USER is not set


@dataclass(frozen=True)
class SessionIdentity:
    """The person behind this browser session.

    :param user_id: who they are in the audit log (e-mail or subject; the local user's id).
    :param researcher_id: the owner id of their drafts; ``None`` unless they are a researcher with one.
    :param local: single-user local mode (no identity provider).
    """

    user_id: str
    name: str
    role: Role
    local: bool
    researcher_id: str | None = None

    @property
    def audience(self) -> Audience:
        return Audience(self.role, self.researcher_id if self.role is Role.RESEARCHER else None)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def oidc_configured() -> bool:
    """Whether ``st.login`` has a provider: an ``[auth]`` section in the app's secrets."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except FileNotFoundError:
        return False


def login_required() -> bool:
    """An identity provider is configured and nobody is logged in in this browser."""
    return oidc_configured() and not st.user.is_logged_in


def current_identity() -> SessionIdentity:
    """The session's identity: the logged-in user, or the local single user without a provider.

    Someone not (yet) logged in while a provider is configured is the public: the app shows
    them the log-in page only, and anything that still asks sees public records.

    :raises ConfigError: the roles file or a KEZHUAN_ setting is wrong.
    """
    settings = Settings()
    if not oidc_configured():
        return _local(settings)
    if not st.user.is_logged_in:
        return SessionIdentity(user_id="anonymous", name="访客", role=Role.ENTERPRISE, local=False)
    claims: dict[str, Any] = st.user.to_dict()
    grant = resolve_grant(
        claims,
        roles_file=_roles_file(settings),
        role_claim=settings.role_claim,
        researcher_id_claim=settings.researcher_id_claim,
    )
    user_id = str(claims.get("email") or claims.get("sub") or "unknown")
    name = str(claims.get("name") or user_id)
    return SessionIdentity(user_id, name, grant.role, local=False, researcher_id=grant.researcher_id)


def _local(settings: Settings) -> SessionIdentity:
    role = Role(settings.local_role)
    user = settings.user or LOCAL_USER
    if not valid_researcher_id(user):
        raise ConfigError(f"KEZHUAN_USER {user!r} 不是有效的研究人员编号（字母、数字、_ . -，至多64字符）")
    return SessionIdentity(user_id=user, name=user, role=role, local=True, researcher_id=user)


def _roles_file(settings: Settings) -> RolesFile | None:
    if settings.roles_file is None:
        return None
    path = settings.roles_file
    try:
        modified = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"角色文件 {path} 无法读取：{exc.strerror or exc}") from None
    return _load_roles(str(path), modified)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_roles(path: str, modified: int) -> RolesFile:
    """The roles file, read again when officers change it (keyed by its modification time)."""
    return RolesFile.load(Path(path))
