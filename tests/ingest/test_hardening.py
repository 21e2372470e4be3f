"""Ingest that fails closed: unstated disclosures, metadata-only changes, links, two writers, stale readers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import docx
import pytest

from assistant.errors import IndexBusyError
from assistant.index.fusion import FusionMode
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType, Visibility

PUBLIC = Audience.public()
OFFICER = Audience(Role.OFFICER)
SECRET = "鲲鹏-2型储氢合金在常温下吸氢量达到百分之二点五。"


def write_disclosures(folder: Path) -> None:
    """The same unpublished invention as four file kinds, none stating a visibility."""
    folder.mkdir(parents=True)
    (folder / "plain.txt").write_text(f"披露材料\n\n{SECRET}", encoding="utf-8")
    (folder / "bare.md").write_text(f"# 储氢合金披露\n\n{SECRET}", encoding="utf-8")
    (folder / "no-visibility.md").write_text(f"---\ntitle: 储氢合金\nowner: r-kun\n---\n\n{SECRET}", encoding="utf-8")
    document = docx.Document()
    document.add_paragraph(SECRET)
    document.save(str(folder / "form.docx"))


def test_disclosures_without_a_stated_visibility_are_confidential(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_disclosures(tmp_path / "kb" / "disclosures")
    index = KnowledgeIndex(make_settings())
    report = Ingestor(index).ingest([tmp_path / "kb"])
    assert report.files_indexed == 4 and not report.errors
    assert not [h for h in index.search("鲲鹏-2型储氢合金", PUBLIC, top_k=20) if "鲲鹏" in h.chunk.text]
    chunks = index.records(DocType.DISCLOSURE, OFFICER)
    assert len({c.doc_id for c in chunks}) == 4 and {c.visibility for c in chunks} == {Visibility.CONFIDENTIAL}
    owner = Audience(Role.RESEARCHER, "r-kun")
    assert {c.doc_id for c in index.records(DocType.DISCLOSURE, owner)} == {"disclosures/no-visibility.md"}


def test_a_metadata_only_change_is_applied(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "kb" / "policies"
    folder.mkdir(parents=True)
    memo = folder / "memo.md"
    memo.write_text(f"---\ntitle: 储氢备忘\nvisibility: public\n---\n\n{SECRET}", encoding="utf-8")
    index = KnowledgeIndex(make_settings())
    Ingestor(index).ingest([tmp_path / "kb"])
    assert index.search("鲲鹏-2型储氢合金", PUBLIC, top_k=3)[0].chunk.doc_id == "policies/memo.md"
    memo.write_text(f"---\ntitle: 储氢备忘\nvisibility: confidential\n---\n\n{SECRET}", encoding="utf-8")
    report = Ingestor(index).ingest([tmp_path / "kb"])
    assert report.chunks_added == report.chunks_removed == 1
    assert all(h.chunk.doc_id != "policies/memo.md" for h in index.search("鲲鹏-2型储氢合金", PUBLIC, top_k=20))
    stored = index.records(DocType.POLICY, OFFICER)
    assert {c.visibility for c in stored} == {Visibility.CONFIDENTIAL}  # never two visibilities for one document


def test_symbolic_links_are_not_followed(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "private" / "disclosures"
    write_disclosures(secret)
    public = tmp_path / "public" / "policies"
    public.mkdir(parents=True)
    (public / "guide.md").write_text("# 指南\n\n成果转化应当依法进行。", encoding="utf-8")
    (public / "alias.md").symlink_to(secret / "bare.md")
    (public / "passwd.md").symlink_to("/etc/passwd")
    index = KnowledgeIndex(make_settings())
    Ingestor(index).ingest([secret.parent])
    report = Ingestor(index).ingest([public.parent])
    assert sorted(Path(e.path).name for e in report.errors) == ["alias.md", "passwd.md"]
    assert all("符号链接" in e.error for e in report.errors)
    assert not [h for h in index.search("鲲鹏-2型储氢合金", PUBLIC, top_k=20) if "鲲鹏" in h.chunk.text]
    assert not [h for h in index.search("root bash", OFFICER, top_k=20) if "root:" in h.chunk.text]
    assert {c.visibility for c in index.records(DocType.DISCLOSURE, OFFICER)} == {Visibility.CONFIDENTIAL}


def test_a_second_writer_is_refused_while_one_holds_the_lock(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "kb" / "policies").mkdir(parents=True)
    (tmp_path / "kb" / "policies" / "a.md").write_text("# 甲\n\n甲规定。", encoding="utf-8")
    settings = make_settings()
    index = KnowledgeIndex(settings)
    holder = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from assistant.config import Settings
        from assistant.index.knowledge_index import KnowledgeIndex
        index = KnowledgeIndex(Settings(data_dir=Path({str(settings.data_dir)!r}), cache_dir=Path({str(settings.embedding_cache_dir)!r})))
        with index.writing():
            print("locked", flush=True)
            time.sleep(30)
    """)
    process = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusyError, match="另一个进程正在写入索引") as busy:
            Ingestor(index).ingest([tmp_path / "kb"])
        assert busy.value.exit_code == 2 and index.count() == 0  # nothing half written
    finally:
        process.kill()
        process.wait()
    assert Ingestor(index).ingest([tmp_path / "kb"], wait=5).chunks_added == 1


def test_a_reader_sees_another_process_delete_and_add(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "kb" / "policies"
    folder.mkdir(parents=True)
    (folder / "old.md").write_text("# 旧规定\n\n旧的赋权规定：成果归单位所有。", encoding="utf-8")
    settings = make_settings()
    reader = KnowledgeIndex(settings)
    Ingestor(reader).ingest([tmp_path / "kb"])
    assert reader.search("赋权规定", OFFICER, top_k=3, mode=FusionMode.DENSE)[0].chunk.title == "旧规定"
    writer = textwrap.dedent(f"""
        from pathlib import Path
        from assistant.config import Settings
        from assistant.index.knowledge_index import KnowledgeIndex
        from assistant.ingest.pipeline import Ingestor
        folder = Path({str(folder)!r})
        (folder / "old.md").unlink()
        (folder / "new.md").write_text("# 新规定\\n\\n新的赋权规定：成果可赋予完成人。", encoding="utf-8")
        index = KnowledgeIndex(Settings(data_dir=Path({str(settings.data_dir)!r}), cache_dir=Path({str(settings.embedding_cache_dir)!r})))
        Ingestor(index).ingest([folder.parent], prune=True)
    """)
    subprocess.run([sys.executable, "-c", writer], check=True, timeout=300)
    for mode in FusionMode:
        titles = [h.chunk.title for h in reader.search("赋权规定", OFFICER, top_k=3, mode=mode)]
        assert titles == ["新规定"], (mode, titles)


def test_oversized_files_and_tables_are_refused_with_a_message(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "kb" / "patents"
    folder.mkdir(parents=True)
    rows = "".join(f"CN2099{n:08d}.1,一种示例装置{n},示例摘要{n}\n" for n in range(30))
    (folder / "many.csv").write_text("申请号,名称,摘要\n" + rows, encoding="utf-8")
    (folder / "big.md").write_text("# 大文件\n\n" + "成果转化。" * 40_000, encoding="utf-8")  # ~0.6 MB
    (folder / "small.csv").write_text("申请号,名称,摘要\nCN209900000001.1,一种示例阀门,示例摘要\n", encoding="utf-8")
    index = KnowledgeIndex(make_settings(max_file_mb=0.5, max_rows=20))
    report = Ingestor(index).ingest([tmp_path / "kb"])
    messages = {Path(e.path).name: e.error for e in report.errors}
    assert set(messages) == {"many.csv", "big.md"}
    assert "30 行" in messages["many.csv"] and "KEZHUAN_MAX_ROWS" in messages["many.csv"]
    assert "上限 0.5 MB" in messages["big.md"]
    assert report.files_indexed == 1  # the small file is indexed all the same


def test_a_new_data_dir_is_private(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import stat

    index = KnowledgeIndex(make_settings(data_dir=tmp_path / "fresh" / "data"))
    assert stat.S_IMODE(index.data_dir.stat().st_mode) == 0o700
