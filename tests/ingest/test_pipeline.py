"""Incremental, idempotent and crash-safe ingest on real stores."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.manifest import Manifest
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType
from tests.corpus import write_corpus


def consistent(index: KnowledgeIndex) -> set[str]:
    """Assert vectors, keyword index and manifest hold the same chunks; return them."""
    manifest_ids = Manifest.load(index).chunk_ids()
    assert index._dense.ids() == index._keyword.ids() == manifest_ids
    return manifest_ids


class TestIngestor:
    def test_ingest_twice_adds_nothing(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        corpus = write_corpus(tmp_path / "kb")
        index = KnowledgeIndex(make_settings())
        first = Ingestor(index).ingest([corpus])
        second = Ingestor(index).ingest([corpus])
        assert first.chunks_added > 0 and first.files_indexed == first.files_seen
        assert (second.files_indexed, second.chunks_added, second.chunks_removed) == (0, 0, 0)
        assert second.files_unchanged == second.files_seen
        assert len(consistent(index)) == first.chunks_added

    def test_changed_file_replaces_its_chunks(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        corpus = write_corpus(tmp_path / "kb")
        index = KnowledgeIndex(make_settings())
        Ingestor(index).ingest([corpus])
        guide = corpus / "policies" / "lab-guide.md"
        guide.write_text(guide.read_text(encoding="utf-8").replace("每季度校准一次", "每月校准两次"), encoding="utf-8")
        report = Ingestor(index).ingest([corpus])
        assert (report.files_indexed, report.chunks_added, report.chunks_removed) == (1, 1, 1)
        texts = [c.text for c in index._dense.chunks() if c.doc_id == "policies/lab-guide.md"]
        assert any("每月校准两次" in t for t in texts) and not any("每季度" in t for t in texts)
        consistent(index)

    def test_prune_removes_deleted_files(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        corpus = write_corpus(tmp_path / "kb")
        index = KnowledgeIndex(make_settings())
        Ingestor(index).ingest([corpus])
        (corpus / "policies" / "notice.md").unlink()
        kept = Ingestor(index).ingest([corpus])
        assert kept.chunks_removed == 0  # without --prune nothing is lost
        pruned = Ingestor(index).ingest([corpus], prune=True)
        assert pruned.chunks_removed == 1
        assert all(c.doc_id != "policies/notice.md" for c in index._dense.chunks())
        consistent(index)

    def test_reset_rebuilds_without_reembedding(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        corpus = write_corpus(tmp_path / "kb")
        index = KnowledgeIndex(make_settings())
        first = Ingestor(index).ingest([corpus])
        misses = index.embeddings.misses
        again = Ingestor(index).ingest([corpus], reset=True)
        assert again.chunks_added == first.chunks_added
        assert index.embeddings.misses == misses  # every vector came from the cache
        consistent(index)

    def test_bad_file_is_reported_and_loses_nothing(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        corpus = write_corpus(tmp_path / "kb")
        index = KnowledgeIndex(make_settings())
        Ingestor(index).ingest([corpus])
        before = consistent(index)
        (corpus / "policies" / "lab-guide.md").write_bytes(b"\x00\x01binary garbage")
        (corpus / "patents" / "broken.csv").write_text("数量,单价\n1,2\n", encoding="utf-8")
        report = Ingestor(index).ingest([corpus])
        assert {Path(e.path).name for e in report.errors} == {"lab-guide.md", "broken.csv"}
        assert "数量" in next(e.error for e in report.errors if e.path.endswith("broken.csv"))
        assert consistent(index) == before  # the old version of lab-guide.md is still searchable

    def test_folder_name_gives_doc_type_and_type_option_overrides(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        corpus = write_corpus(tmp_path / "kb")
        index = KnowledgeIndex(make_settings())
        Ingestor(index).ingest([corpus / "disclosures", corpus / "patents" / "patents.csv"])
        types = {c.doc_id: c.doc_type for c in index._dense.chunks()}
        assert types["secret.md"] is DocType.DISCLOSURE  # doc_id is relative to the path given
        assert types["CN202399900001.1"] is DocType.PATENT
        Ingestor(index).ingest([corpus / "policies" / "notice.md"], doc_type=DocType.FAQ)
        assert {c.doc_type for c in index._dense.chunks() if c.doc_id == "notice.md"} == {DocType.FAQ}


def test_kill_9_mid_ingest_is_repaired_by_next_ingest(tmp_path: Path) -> None:
    """A real SIGKILL while vectors are being written; the next ingest makes all three agree."""
    corpus = write_corpus(tmp_path / "kb")
    extra = corpus / "policies" / "many.md"
    extra.write_text(
        "# 大量条目\n\n"
        + "\n\n".join(f"## 条目{i}\n\n第{i}号测试条目说明了一项独立的管理要求{i}。" for i in range(120)),
        encoding="utf-8",
    )
    env = {**os.environ, "KEZHUAN_DATA_DIR": str(tmp_path / "data"), "KEZHUAN_EMBED_BATCH_SIZE": "2"}
    script = Path(sys.executable).with_name("kezhuan")
    process = subprocess.Popen([str(script), "ingest", str(corpus), "--json"], env=env, stdout=subprocess.DEVNULL)
    cache = tmp_path / "data" / "embeddings.sqlite"
    deadline = time.time() + 120
    while time.time() < deadline:  # wait until some, but not all, vectors are written
        if cache.exists():
            try:
                rows = sqlite3.connect(cache).execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
            except sqlite3.Error:
                rows = 0
            if rows >= 40:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    index = KnowledgeIndex(Settings(data_dir=tmp_path / "data"))
    report = Ingestor(index).ingest([corpus])
    assert not report.errors
    repaired = consistent(index)

    clean_dir = tmp_path / "clean"
    clean = KnowledgeIndex(Settings(data_dir=clean_dir, cache_dir=tmp_path / "data"))
    Ingestor(clean).ingest([corpus])
    assert repaired == consistent(clean)


def test_reconcile_repairs_each_crash_state(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The states a crash can leave between the three writes, made by hand."""
    corpus = write_corpus(tmp_path / "kb")
    index = KnowledgeIndex(make_settings())
    Ingestor(index).ingest([corpus])
    expected = consistent(index)
    victim = sorted(expected)[0]

    # 1. vectors written, manifest not yet: an orphan chunk no file owns
    orphan = next(index._dense.chunks()).__class__.from_stored("孤儿块", {"doc_id": "x", "doc_type": "policy"})
    index._dense.write([orphan])
    # 2. manifest says a chunk exists that the vector store lost
    index._dense.delete([victim])
    # 3. keyword index from before the crash
    index._keyword.delete(sorted(index._keyword.ids())[:3])
    index._keyword.save()

    report = Ingestor(KnowledgeIndex(index.settings)).ingest([corpus])
    assert report.files_indexed >= 1  # the file that lost a chunk was redone
    assert consistent(KnowledgeIndex(index.settings)) == expected


def test_ingest_embeds_each_demands_need_for_matching(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A briefing matches every demand: ingest computes their query vectors, so it embeds nothing."""
    from assistant.index.visibility import Audience
    from assistant.tasks.matching import Matcher

    folder = tmp_path / "kb" / "demands"
    folder.mkdir(parents=True)
    (folder / "needs.csv").write_text(
        "需求编号,需求名称,企业名称,所属行业,问题描述,合作方式,预算区间,样例数据\n"
        "D-T001,仓库叉车老撞货架,示例物流有限公司,人工智能,我们希望叉车能自己发现前方的人和货架并减速。,许可,≤30万元,是\n"
        "D-T002,污水厂的污泥太多,示例环保有限公司,节能环保,希望找到让污泥脱水更彻底的办法。,转让,≤80万元,是\n",
        encoding="utf-8",
    )
    index = KnowledgeIndex(make_settings())
    Ingestor(index).ingest([tmp_path / "kb"])
    misses = index.embeddings.misses
    results = Matcher(index).for_demands(["D-T001", "D-T002"], audience=Audience.public(), k=3)
    assert set(results) == {"D-T001", "D-T002"}
    assert index.embeddings.misses == misses  # every need vector and candidate vector was already cached
