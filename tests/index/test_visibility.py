"""Role rules as a filter, in Python and as a Chroma where clause."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.index.visibility import Role, SearchFilter
from assistant.records import DocType

PUBLIC = {"visibility": "public", "doc_type": "policy"}
INTERNAL = {"visibility": "internal", "doc_type": "policy"}
MINE = {"visibility": "confidential", "doc_type": "disclosure", "owner": "r-zhang"}
THEIRS = {"visibility": "confidential", "doc_type": "disclosure", "owner": "r-li"}


class TestSearchFilter:
    @pytest.mark.parametrize(
        ("role", "user", "allowed"),
        [
            (Role.ENTERPRISE, "r-zhang", [PUBLIC]),
            (Role.RESEARCHER, "r-zhang", [PUBLIC, MINE]),
            (Role.RESEARCHER, None, [PUBLIC]),
            (Role.OFFICER, None, [PUBLIC, INTERNAL, MINE, THEIRS]),
        ],
    )
    def test_allows_by_role(self, role: Role, user: str | None, allowed: list[dict[str, str]]) -> None:
        search_filter = SearchFilter.for_role(role, user=user)
        assert [m for m in (PUBLIC, INTERNAL, MINE, THEIRS) if search_filter.allows(m)] == allowed

    def test_doc_types_restrict(self) -> None:
        search_filter = SearchFilter.for_role(Role.OFFICER, doc_types=[DocType.DISCLOSURE])
        assert not search_filter.allows(PUBLIC) and search_filter.allows(THEIRS)

    def test_to_chroma_where(self) -> None:
        assert SearchFilter.for_role(Role.OFFICER).to_chroma_where() is None
        assert SearchFilter.for_role(Role.ENTERPRISE).to_chroma_where() == {"visibility": {"$in": ["public"]}}
        where = SearchFilter.for_role(Role.RESEARCHER, user="r-zhang", doc_types=[DocType.PATENT]).to_chroma_where()
        assert where == {
            "$and": [
                {"doc_type": {"$in": ["patent"]}},
                {
                    "$or": [
                        {"visibility": {"$in": ["public"]}},
                        {"$and": [{"visibility": "confidential"}, {"owner": "r-zhang"}]},
                    ]
                },
            ]
        }

    def test_role_from_str_rejects_unknown(self) -> None:
        with pytest.raises(InputError, match="researcher"):
            Role.from_str("student")
