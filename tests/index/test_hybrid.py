"""Hybrid retrieval on the real model: each leg rescues the other's failure."""

from __future__ import annotations

import pytest

from assistant.index.fusion import FusionMode
from assistant.index.hybrid import HybridRetriever
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.records import DocType

PUBLIC = Audience.public()
OFFICER = Audience(Role.OFFICER)
NOTICE_NUMBERS = {
    "示例科规〔2031〕7号": "policies/notice.md",
    **{f"示例科规〔2031〕{n}号": f"policies/notice-{n}.md" for n in (17, 71, 27, 72, 77)},
}


def top_doc(index: KnowledgeIndex, query: str, mode: FusionMode, role: Role = Role.OFFICER) -> str | None:
    hits = index.search(query, Audience(role), top_k=5, mode=mode)
    return hits[0].chunk.doc_id if hits else None


class TestHybridRetriever:
    def test_retrieve_exact_document_number_found_by_keyword_leg(self, fixture_index: KnowledgeIndex) -> None:
        dense_right = sum(top_doc(fixture_index, q, FusionMode.DENSE) == d for q, d in NOTICE_NUMBERS.items())
        for query, doc_id in NOTICE_NUMBERS.items():
            assert top_doc(fixture_index, query, FusionMode.KEYWORD) == doc_id
            assert top_doc(fixture_index, query, FusionMode.ADAPTIVE) == doc_id
        assert dense_right < len(NOTICE_NUMBERS), "dense alone should confuse look-alike notices"

    @pytest.mark.parametrize(
        ("query", "locator"),
        [("养猫要注意啥", "猫咪饲养"), ("着火了往哪跑", "消防演练"), ("喵星人日常怎么照料", "猫咪饲养")],
    )
    def test_retrieve_paraphrase_found_by_dense_leg(
        self, fixture_index: KnowledgeIndex, query: str, locator: str
    ) -> None:
        assert fixture_index.search(query, OFFICER, top_k=3, mode=FusionMode.KEYWORD) == []
        hits = fixture_index.search(query, OFFICER, top_k=3)
        assert hits[0].chunk.locator == locator

    def test_retrieve_article_of_regulation(self, fixture_index: KnowledgeIndex) -> None:
        hits = fixture_index.search("作价入股给团队的奖励比例", PUBLIC, top_k=3)
        assert (hits[0].chunk.doc_id, hits[0].chunk.locator) == ("policies/regulation.md", "第四条")

    def test_retrieve_doc_type_filter_applies_before_top_k(self, fixture_index: KnowledgeIndex) -> None:
        hits = fixture_index.search("专利", PUBLIC, top_k=5, doc_types=[DocType.PATENT])
        assert {h.chunk.doc_type for h in hits} == {DocType.PATENT}
        assert len(hits) == 2  # both patents, although many policy chunks mention 专利

    @pytest.mark.parametrize("mode", list(FusionMode))
    def test_retrieve_enterprise_never_sees_confidential(self, fixture_index: KnowledgeIndex, mode: FusionMode) -> None:
        hits = fixture_index.search("玄鸟-9型催化剂", PUBLIC, top_k=50, mode=mode)
        assert all(h.chunk.doc_type is not DocType.DISCLOSURE for h in hits)
        assert all("玄鸟" not in h.chunk.text for h in hits)

    def test_retrieve_researcher_sees_only_own_disclosure(self, fixture_index: KnowledgeIndex) -> None:
        own = fixture_index.search("玄鸟-9型催化剂", Audience(Role.RESEARCHER, "r-zhang"), top_k=3)
        other = fixture_index.search("玄鸟-9型催化剂", Audience(Role.RESEARCHER, "r-li"), top_k=3)
        assert own[0].chunk.doc_id == "disclosures/secret.md"
        assert all(h.chunk.doc_type is not DocType.DISCLOSURE for h in other)

    def test_retrieve_officer_sees_confidential(self, fixture_index: KnowledgeIndex) -> None:
        assert top_doc(fixture_index, "玄鸟-9型催化剂", FusionMode.ADAPTIVE, Role.OFFICER) == "disclosures/secret.md"

    def test_init_rejects_non_positive_top_k(self) -> None:
        with pytest.raises(ValueError, match="positive"):
            HybridRetriever(None, None, top_k=0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "audience, doc_types",
    [(PUBLIC, None), (Audience(Role.RESEARCHER, "r-li"), None), (PUBLIC, [DocType.POLICY]), (OFFICER, [DocType.FAQ])],
)
def test_dense_leg_filtered_here_finds_what_chroma_filtering_finds(
    fixture_index: KnowledgeIndex, audience: Audience, doc_types: list[DocType] | None
) -> None:
    """The fast path (ids from Chroma, chunks and the filter from the keyword index) and Chroma's where clause agree."""
    retriever = fixture_index._retriever
    search_filter = audience.filter(doc_types)
    vectors = [
        fixture_index.embeddings.embed_query(q) for q in ("成果转化收益怎么分给研发团队", "专利许可合同要备案吗")
    ]
    for k in (1, 5, 40):
        fast = retriever.nearest(vectors, k, search_filter)  # two vectors in one call, each its own answer
        slow = retriever.dense.search_by_vectors(vectors, k, search_filter)
        alone = [retriever.nearest([v], k, search_filter)[0] for v in vectors]
        assert [[h.id for h in hits] for hits in fast] == [[h.id for h in hits] for hits in slow]
        assert [[h.id for h in hits] for hits in fast] == [[h.id for h in hits] for hits in alone]
        assert [[round(h.score, 6) for h in hits] for hits in fast] == [
            [round(h.score, 6) for h in hits] for hits in slow
        ]
        assert all(search_filter.allows(h.chunk.metadata()) for hits in fast for h in hits)
        assert all(h.chunk.text for hits in fast for h in hits)
