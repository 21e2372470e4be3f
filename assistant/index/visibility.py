"""Who may see what: the role rules of DESIGN.md, in one place.

enterprise → public only; researcher → public plus the confidential disclosures they
own; officer → everything. An :class:`Audience` (role + user) is built once by the CLI
or the UI from who is asking and handed to every read of ``KnowledgeIndex``, which turns
it into a :class:`SearchFilter`. The filter is applied inside each store's search (a
Chroma ``where`` clause, a BM25 score mask) before the top-k cut, so a restricted user
still gets a full page of results and never a hidden one, and to every listing and
look-up by id. The default audience is the public: forgetting to say who is asking
shows less, never more.

Usage example::

    audience = Audience(Role.RESEARCHER, user="r-zhang")
    audience.filter([DocType.PATENT]).allows({"visibility": "public", "doc_type": "patent"})   # True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.errors import InputError
from assistant.records import DocType, Visibility

__all__ = ["Audience", "Role", "SearchFilter", "document_visibility"]

# What a document is when its file does not say: fail closed for unpublished inventions,
# whatever the file kind (a .txt or .docx in disclosures/ has no front matter to say it).
UNSTATED_VISIBILITY = {DocType.DISCLOSURE: Visibility.CONFIDENTIAL}


def document_visibility(stated: Visibility | None, doc_type: DocType) -> Visibility:
    """The visibility a document is indexed with: what its metadata states, else its type's default."""
    return stated if stated is not None else UNSTATED_VISIBILITY.get(doc_type, Visibility.PUBLIC)


class Role(StrEnum):
    """The three user groups."""

    RESEARCHER = "researcher"
    OFFICER = "officer"
    ENTERPRISE = "enterprise"

    @classmethod
    def from_str(cls, value: str) -> Role:
        """The role a user typed (case and spaces ignored).

        :raises InputError: an unknown value; the message lists the valid ones.
        """
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(r.value for r in cls)
            raise InputError(f"未知的角色 {value!r}；可选：{valid}") from None


@dataclass(frozen=True)
class Audience:
    """Who is asking: their role and, for a researcher, their id.

    A researcher without an id sees what the public sees. Tasks receive an audience and
    pass it on; they never build a wider one.
    """

    role: Role = Role.ENTERPRISE
    user: str | None = None

    @classmethod
    def public(cls) -> Audience:
        """The least-privileged view: public records only."""
        return cls(Role.ENTERPRISE)

    @classmethod
    def parse(cls, role: str | None, user: str | None = None) -> Audience:
        """An audience from user input: ``role`` defaults to researcher when a user is named, else the public.

        :raises InputError: an unknown role.
        """
        if role is None:
            return cls(Role.RESEARCHER, user) if user else cls.public()
        return cls(Role.from_str(role), user or None)

    def filter(self, doc_types: Iterable[DocType] | None = None) -> SearchFilter:
        """The search filter of this audience, optionally restricted to some document types."""
        return SearchFilter.for_role(self.role, user=self.user, doc_types=doc_types)


@dataclass(frozen=True)
class SearchFilter:
    """Which chunks a search may return.

    :param doc_types: allowed document types; ``None`` allows all.
    :param visibilities: visibility levels readable by everyone in this filter.
    :param owner: also allow confidential chunks whose ``owner`` is this user.
    """

    doc_types: frozenset[DocType] | None = None
    visibilities: frozenset[Visibility] = frozenset(Visibility)
    owner: str | None = None

    @classmethod
    def for_role(
        cls, role: Role, *, user: str | None = None, doc_types: Iterable[DocType] | None = None
    ) -> SearchFilter:
        types = frozenset(doc_types) if doc_types else None
        if role is Role.OFFICER:
            return cls(doc_types=types)
        if role is Role.RESEARCHER:
            return cls(doc_types=types, visibilities=frozenset({Visibility.PUBLIC}), owner=user)
        return cls(doc_types=types, visibilities=frozenset({Visibility.PUBLIC}))

    def allows(self, metadata: Mapping[str, Any]) -> bool:
        if self.doc_types is not None and metadata.get("doc_type") not in {t.value for t in self.doc_types}:
            return False
        visibility = metadata.get("visibility", Visibility.PUBLIC.value)
        if visibility in {v.value for v in self.visibilities}:
            return True
        return (
            self.owner is not None
            and visibility == Visibility.CONFIDENTIAL.value
            and str(metadata.get("owner", "")) == self.owner
        )

    def to_chroma_where(self) -> dict[str, Any] | None:
        """The same rule as a Chroma ``where`` clause (``None`` when nothing is filtered)."""
        clauses: list[dict[str, Any]] = []
        if self.doc_types is not None:
            clauses.append({"doc_type": {"$in": sorted(t.value for t in self.doc_types)}})
        if self.visibilities != frozenset(Visibility):
            readable: dict[str, Any] = {"visibility": {"$in": sorted(v.value for v in self.visibilities)}}
            if self.owner is not None:
                own = {"$and": [{"visibility": Visibility.CONFIDENTIAL.value}, {"owner": self.owner}]}
                readable = {"$or": [readable, own]}
            clauses.append(readable)
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
