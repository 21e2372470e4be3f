"""What every chunk store must do, written once and run against each store.

Embedded Chroma, a ``chroma run`` server and the BM25 store must behave alike: the
knowledge index swaps one for another (``KEZHUAN_CHROMA_HOST``) and fuses dense with
keyword hits, so a store that filtered after the top-k cut, kept a stale copy of a
rewritten chunk or raised on an empty collection would break retrieval or leak a
confidential disclosure in only one deployment. Each subclass says how to open an empty
store and, where it differs, how a query reaches it (BM25 is searched with the query's
tokens, as the hybrid retriever does). The chunks are a handful of hand-written ones
embedded by the real model through the session cache, so the whole contract costs seconds.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.index.bm25_store import BM25Store
from assistant.index.chroma_store import ChromaStore
from assistant.index.embedding_cache import CachedEmbeddings
from assistant.index.tokenizer import tokenize
from assistant.index.visibility import Audience, Role, SearchFilter
from assistant.records import Chunk, DocType, Hit, Visibility

Store = ChromaStore | BM25Store

REWARD = Chunk(
    doc_id="policies/reward.md",
    doc_type=DocType.POLICY,
    title="示例市科技成果转化办法",
    source="policies/reward.md",
    locator="第四条",
    text="以科技成果作价入股的，应当从所得股份中提取不低于百分之七十的比例奖励研发团队。",
)
FEES = Chunk(
    doc_id="policies/fees.md",
    doc_type=DocType.POLICY,
    title="专利年费资助办法（内部）",
    source="policies/fees.md",
    locator="第二条",
    text="学校内部专利年费资助办法：成果完成人所在学院承担授权后第四年起年费的一半。",
    visibility=Visibility.INTERNAL,
)
PATENT = Chunk(
    doc_id="CN202310000001.1",
    doc_type=DocType.PATENT,
    title="一种钢材表面缺陷检测方法",
    source="patents/patents.csv",
    locator="第1行",
    text="一种基于深度学习的钢材表面缺陷检测方法，该成果利用卷积神经网络识别划痕和裂纹。",
    meta={"ipc": "G06T 7/00", "year": 2023},
)
FAQ = Chunk(
    doc_id="faq/disclosure.md",
    doc_type=DocType.FAQ,
    title="披露常见问题",
    source="faq/disclosure.md",
    locator="问1",
    text="问：职务科技成果完成后多久内需要向单位披露？答：应当在完成后三十日内书面报告。",
)
ZHANG_SECRET = Chunk(
    doc_id="disclosures/xuanniao.md",
    doc_type=DocType.DISCLOSURE,
    title="玄鸟-9型催化剂",
    source="disclosures/xuanniao.md",
    locator="摘要",
    text="玄鸟-9型催化剂披露：该成果在常温下将二氧化碳转化为甲醇，转化率达到百分之四十。",
    visibility=Visibility.CONFIDENTIAL,
    meta={"owner": "r-zhang"},
)
LI_SECRET = Chunk(
    doc_id="disclosures/qingluan.md",
    doc_type=DocType.DISCLOSURE,
    title="青鸾储氢合金",
    source="disclosures/qingluan.md",
    locator="摘要",
    text="青鸾储氢合金披露：该成果在常温下吸氢量达到百分之二点五。",
    visibility=Visibility.CONFIDENTIAL,
    meta={"owner": "r-li"},
)
CHUNKS = (REWARD, FEES, PATENT, FAQ, ZHANG_SECRET, LI_SECRET)
PUBLIC_CHUNKS = {REWARD.id, PATENT.id, FAQ.id}

# Every chunk contains 成果, so with k ≥ the store size every allowed chunk scores above
# zero in both legs: the set of hits is exactly what the filter allows.
EVERYTHING = "成果"
ENOUGH = 50


class StoreContract:
    """Behaviour every store must have; subclasses provide ``empty_store``."""

    @pytest.fixture
    def empty_store(self) -> Store:
        raise NotImplementedError

    def search(self, store: Store, query: str, k: int, search_filter: SearchFilter | None = None) -> list[Hit]:
        """A search as the hybrid retriever runs it on this store."""
        assert isinstance(store, ChromaStore)
        return store.search(query, k, search_filter)

    @pytest.fixture
    def store(self, empty_store: Store) -> Store:
        assert empty_store.write(CHUNKS) == len(CHUNKS)
        return empty_store

    def test_write_counts_and_ids(self, store: Store) -> None:
        assert store.count() == len(CHUNKS)
        assert store.ids() == {c.id for c in CHUNKS}

    def test_write_again_upserts_instead_of_duplicating(self, store: Store) -> None:
        assert store.write([REWARD, PATENT]) == 2
        assert store.count() == len(CHUNKS)
        hits = self.search(store, EVERYTHING, ENOUGH)
        assert sorted(h.id for h in hits) == sorted(c.id for c in CHUNKS)

    def test_delete_removes_and_ignores_unknown_ids(self, store: Store) -> None:
        store.delete([PATENT.id, "no-such-chunk"])
        assert store.count() == len(CHUNKS) - 1 and PATENT.id not in store.ids()
        assert all(h.id != PATENT.id for h in self.search(store, "钢材表面缺陷检测", ENOUGH))
        store.delete([])
        assert store.count() == len(CHUNKS) - 1

    def test_search_best_first_and_chunk_intact(self, store: Store) -> None:
        hits = self.search(store, "作价入股奖励研发团队的比例", 3)
        assert hits[0].chunk == REWARD  # text, title, locator, visibility and meta come back as written
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True) and len(hits) <= 3
        assert self.search(store, "钢材表面缺陷检测", 1)[0].chunk == PATENT  # meta with numbers survives too

    @pytest.mark.parametrize(
        ("audience", "allowed"),
        [
            (Audience.public(), PUBLIC_CHUNKS),
            (Audience(Role.RESEARCHER, None), PUBLIC_CHUNKS),
            (Audience(Role.RESEARCHER, "r-zhang"), PUBLIC_CHUNKS | {ZHANG_SECRET.id}),
            (Audience(Role.RESEARCHER, "r-li"), PUBLIC_CHUNKS | {LI_SECRET.id}),
            (Audience(Role.OFFICER), {c.id for c in CHUNKS}),
        ],
        ids=["enterprise", "researcher-anonymous", "researcher-zhang", "researcher-li", "officer"],
    )
    def test_search_returns_exactly_the_allowed_chunks(
        self, store: Store, audience: Audience, allowed: set[str]
    ) -> None:
        assert {h.id for h in self.search(store, EVERYTHING, ENOUGH, audience.filter())} == allowed
        secret_hits = self.search(store, "玄鸟-9型催化剂 二氧化碳转化为甲醇", ENOUGH, audience.filter())
        assert {h.id for h in secret_hits} <= allowed

    def test_search_doc_type_filter_applies_before_top_k(self, store: Store) -> None:
        # The question is about the reward rule; only a filter applied before the cut still finds a patent.
        search_filter = Audience.public().filter([DocType.PATENT])
        hits = self.search(store, "作价入股 成果 奖励研发团队", 1, search_filter)
        assert [h.chunk for h in hits] == [PATENT]

    def test_search_k_larger_than_store(self, store: Store) -> None:
        hits = self.search(store, EVERYTHING, 1000)
        assert len(hits) == len(CHUNKS) and len({h.id for h in hits}) == len(CHUNKS)

    def test_search_empty_store_returns_nothing(self, empty_store: Store) -> None:
        assert empty_store.count() == 0 and empty_store.ids() == set()
        assert self.search(empty_store, EVERYTHING, 5) == []
        assert self.search(empty_store, EVERYTHING, 5, Audience(Role.OFFICER).filter([DocType.POLICY])) == []

    def test_search_after_deleting_everything_returns_nothing(self, store: Store) -> None:
        store.delete([c.id for c in CHUNKS])
        assert store.count() == 0 and self.search(store, EVERYTHING, ENOUGH) == []

    def test_rewritten_chunk_replaces_the_old_one(self, store: Store) -> None:
        # A chunk's id covers its metadata, so ingest rewrites a changed chunk: write the new one, delete the old id.
        public = Audience.public().filter()
        assert {h.id for h in self.search(store, EVERYTHING, ENOUGH, public)} == PUBLIC_CHUNKS  # searched before
        hidden = replace(REWARD, title="示例市科技成果转化办法（内部修订稿）", visibility=Visibility.INTERNAL)
        assert hidden.id != REWARD.id
        store.write([hidden])
        store.delete([REWARD.id])
        assert store.count() == len(CHUNKS)
        assert {h.id for h in self.search(store, EVERYTHING, ENOUGH, public)} == PUBLIC_CHUNKS - {REWARD.id}
        officer = self.search(store, "作价入股奖励研发团队的比例", 1, Audience(Role.OFFICER).filter())
        assert [h.chunk for h in officer] == [hidden]


class TestChromaStore(StoreContract):
    @pytest.fixture
    def empty_store(self, embedder: CachedEmbeddings, tmp_path: Path) -> ChromaStore:
        return ChromaStore(embedder, path=tmp_path / "chroma")


@pytest.mark.server
class TestChromaServerStore(StoreContract):
    @pytest.fixture
    def empty_store(self, embedder: CachedEmbeddings, chroma_server: int) -> ChromaStore:
        # One server for the session; a fresh collection per test keeps the tests apart.
        collection = f"contract-{uuid.uuid4().hex[:12]}"
        return ChromaStore(embedder, host="127.0.0.1", port=chroma_server, collection=collection)


class TestBM25Store(StoreContract):
    @pytest.fixture
    def empty_store(self, tmp_path: Path) -> BM25Store:
        return BM25Store(tmp_path / "bm25")

    def search(self, store: Store, query: str, k: int, search_filter: SearchFilter | None = None) -> list[Hit]:
        assert isinstance(store, BM25Store)
        return store.search_tokens(tokenize(query), k, search_filter)
