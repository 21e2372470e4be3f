"""Who a logged-in person is to KeZhuan: their role and, for a researcher, their researcher id.

The identity provider (the university's unified identity, via OIDC) says who someone is;
this module says what they may see. Two sources, in this order:

1. the **roles file** that transfer officers maintain (YAML, ``KEZHUAN_ROLES_FILE``): a
   subject (``sub``) or e-mail → role and researcher id;
2. a **role claim** in the identity token (its name in ``KEZHUAN_ROLE_CLAIM``), for
   providers that already carry the person's group; the researcher id is then the claim
   named by ``KEZHUAN_RESEARCHER_ID_CLAIM`` (``sub`` by default).

Anyone else is an enterprise user and sees public records only: an unknown account never
widens the view.

Usage example::

    roles = RolesFile.load(Path("roles.yaml"))
    grant = resolve_grant({"sub": "u1", "email": "zhang@example.edu.cn"}, roles_file=roles)
    grant.role, grant.researcher_id   # (Role.RESEARCHER, "r-zhang")

The roles file::

    # subject or e-mail → role (researcher | officer | enterprise) and researcher id
    zhang@example.edu.cn:
      role: researcher
      researcher_id: r-zhang
    li.officer@example.edu.cn:
      role: officer
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError
from assistant.index.visibility import Role

__all__ = ["RESEARCHER_ID_PATTERN", "Grant", "RolesFile", "resolve_grant", "valid_researcher_id"]

# A researcher id names the owner of a stored draft and goes into its file name: letters,
# digits and ``_ . -``, starting with a letter or digit, at most 64 characters.
RESEARCHER_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

# What a role claim may say, in English or as the Chinese label a university directory uses.
ROLE_NAMES = {
    "officer": Role.OFFICER,
    "成果转化专员": Role.OFFICER,
    "转化专员": Role.OFFICER,
    "technology-transfer-officer": Role.OFFICER,
    "researcher": Role.RESEARCHER,
    "科研人员": Role.RESEARCHER,
    "教师": Role.RESEARCHER,
    "enterprise": Role.ENTERPRISE,
    "企业": Role.ENTERPRISE,
}
# When a claim lists several groups, the widest one they name is the person's role.
PRECEDENCE = (Role.OFFICER, Role.RESEARCHER, Role.ENTERPRISE)


def valid_researcher_id(value: str) -> bool:
    """Whether ``value`` may be used as a researcher id (and so in a draft's file name)."""
    return bool(RESEARCHER_ID_PATTERN.fullmatch(value)) and ".." not in value


@dataclass(frozen=True)
class Grant:
    """What one person may see: a role and, for a researcher, the id their drafts are owned by."""

    role: Role
    researcher_id: str | None = None


class RolesFile:
    """The officers' list of accounts and their roles, keyed by subject (exact) or e-mail (case ignored).

    :raises ConfigError: the file cannot be read, is not YAML, or an entry is wrong (the message
        names the file and the entry).
    """

    def __init__(self, entries: Mapping[str, Grant]) -> None:
        self._entries = dict(entries)

    @classmethod
    def load(cls, path: Path) -> RolesFile:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"角色文件 {path} 无法读取：{exc}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"第{mark.line + 1}行" if mark is not None else ""
            raise ConfigError(
                f"角色文件 {path} 不是有效的 YAML（{where}{getattr(exc, 'problem', '') or ''}）"
            ) from None
        if not isinstance(data, Mapping):
            raise ConfigError(f"角色文件 {path} 应为“账号: {{role: …, researcher_id: …}}”的映射")
        return cls({_key(str(account)): _grant(path, str(account), entry) for account, entry in data.items()})

    def lookup(self, subject: str | None, email: str | None = None) -> Grant | None:
        """The entry for this account: by subject first, then by e-mail (case ignored)."""
        for account in (subject, email):
            if account and (grant := self._entries.get(_key(account.strip()))) is not None:
                return grant
        return None

    def __len__(self) -> int:
        return len(self._entries)


def resolve_grant(
    claims: Mapping[str, Any],
    *,
    roles_file: RolesFile | None = None,
    role_claim: str | None = None,
    researcher_id_claim: str = "sub",
) -> Grant:
    """The role of a logged-in person from their identity-token claims.

    The roles file wins over the claim (officers correct the directory there); anyone found
    in neither is an enterprise user. A researcher whose id is not usable (an e-mail, say)
    keeps the role but no id, so sees public records only until the roles file names one.
    """
    subject, email = _text(claims.get("sub")), _text(claims.get("email"))
    if roles_file is not None and (grant := roles_file.lookup(subject, email)) is not None:
        return grant
    if role_claim:
        role = _role_from_claim(claims.get(role_claim))
        if role is Role.RESEARCHER:
            researcher_id = _text(claims.get(researcher_id_claim))
            return Grant(role, researcher_id if researcher_id and valid_researcher_id(researcher_id) else None)
        if role is not None:
            return Grant(role)
    return Grant(Role.ENTERPRISE)


def _role_from_claim(value: Any) -> Role | None:
    names: Iterable[Any] = value if isinstance(value, list | tuple) else [value]
    found = {ROLE_NAMES.get(str(name).strip().lower()) for name in names if name is not None}
    return next((role for role in PRECEDENCE if role in found), None)


def _grant(path: Path, account: str, entry: Any) -> Grant:
    if not isinstance(entry, Mapping) or "role" not in entry:
        raise ConfigError(f"角色文件 {path}：{account} 缺少 role（researcher、officer 或 enterprise）")
    role = ROLE_NAMES.get(str(entry["role"]).strip().lower())
    if role is None:
        raise ConfigError(
            f"角色文件 {path}：{account} 的 role {entry['role']!r} 无效；可选 researcher、officer、enterprise"
        )
    researcher_id = _text(entry.get("researcher_id"))
    if researcher_id and not valid_researcher_id(researcher_id):
        raise ConfigError(
            f"角色文件 {path}：{account} 的 researcher_id {researcher_id!r} 无效（字母、数字、_ . -，至多64字符）"
        )
    if role is Role.RESEARCHER and not researcher_id:
        raise ConfigError(f"角色文件 {path}：科研人员 {account} 缺少 researcher_id")
    return Grant(role, researcher_id if role is Role.RESEARCHER else None)


def _key(account: str) -> str:
    """E-mail addresses compare case-insensitively; subjects are opaque and compared exactly."""
    account = account.strip()
    return account.lower() if "@" in account else account


def _text(value: Any) -> str | None:
    return str(value).strip() if value not in (None, "") else None
