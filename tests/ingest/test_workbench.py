"""The workbench's ingest side: stated overrides, the catalog, re-index, delete, failures kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.manifest import Manifest
from assistant.ingest.overrides import Overrides
from assistant.ingest.pipeline import Ingestor
from assistant.ingest.workbench import Workbench
from assistant.records import DocType, Visibility

OFFICER = Audience(Role.OFFICER)
# Sample data written for these tests.
RULE = "# 示例区转化细则（样例数据）\n\n第一条 星河湾园区的转化项目给予配套奖励。\n\n第二条 奖励在合同登记后发放。\n".encode()
TABLE = "申请号,名称,摘要\nCN209900000011.1,一种珊瑚礁修复基座,以多孔陶瓷基座附着珊瑚幼体，样例数据。\n".encode()


@pytest.fixture
def bench(make_settings) -> Iterator[Workbench]:  # type: ignore[no-untyped-def]
    index = KnowledgeIndex(make_settings())
    yield Workbench(index)
    index.close()


class TestWorkbench:
    def test_stated_type_visibility_and_region_reach_every_chunk(self, bench: Workbench) -> None:
        path = bench.save("细则.md", RULE, Overrides(DocType.POLICY, Visibility.INTERNAL, {"region": "示例区"}))
        report = bench.ingest([path])
        assert report.files_indexed == 1 and not report.errors
        chunks = bench.index.get("细则.md", OFFICER)
        assert chunks and {(c.visibility, c.meta["region"]) for c in chunks} == {(Visibility.INTERNAL, "示例区")}
        assert bench.index.get("细则.md", Audience.public()) == []
        assert path.stat().st_mode & 0o777 == 0o600

    def test_the_cli_ingest_of_the_upload_folder_gives_the_same_index(self, bench: Workbench) -> None:
        path = bench.save("细则.md", RULE, Overrides(DocType.FAQ, Visibility.INTERNAL))
        bench.ingest([path])
        again = Ingestor(bench.index).ingest([bench.folder])
        assert again.files_unchanged == 1 and again.files_indexed == 0

    def test_changing_a_stated_value_reindexes_the_file(self, bench: Workbench) -> None:
        path = bench.save("细则.md", RULE, Overrides(DocType.POLICY, Visibility.INTERNAL))
        bench.ingest([path])
        Overrides(DocType.POLICY, Visibility.PUBLIC).write_beside(path)
        assert bench.ingest([path]).files_indexed == 1
        assert bench.index.get("细则.md", Audience.public())

    def test_catalog_lists_files_with_documents_chunks_and_time(self, bench: Workbench) -> None:
        rule = bench.save("细则.md", RULE, Overrides(DocType.POLICY, Visibility.PUBLIC))
        table = bench.save("专利.csv", TABLE, Overrides(DocType.PATENT, Visibility.PUBLIC))
        bench.ingest([rule, table])
        entries = {e.name: e for e in bench.catalog(OFFICER)}
        assert set(entries) == {"细则.md", "专利.csv"}
        assert entries["专利.csv"].doc_types == (DocType.PATENT,)
        assert [d.doc_id for d in entries["专利.csv"].documents] == ["CN209900000011.1"]
        assert entries["细则.md"].chunks == len(bench.index.get("细则.md", OFFICER))
        assert all(e.uploaded and e.indexed_at is not None and not e.error for e in entries.values())

    def test_a_failed_file_is_listed_with_its_error_until_it_indexes(self, bench: Workbench) -> None:
        path = bench.save("坏.csv", b"\xff\xfe\x00garbage", Overrides(DocType.PATENT))
        report = bench.ingest([path])
        assert report.errors
        [entry] = bench.catalog(OFFICER)
        assert entry.name == "坏.csv" and entry.error == report.errors[0].error and entry.chunks == 0
        assert bench.catalog(Audience.public()) == []  # what a failed file holds is unknown: officers only
        bench.save("坏.csv", TABLE, Overrides(DocType.PATENT))
        bench.ingest([path])
        [entry] = bench.catalog(OFFICER)
        assert not entry.error and entry.chunks == 1

    def test_reindex_redoes_an_unchanged_upload(self, bench: Workbench) -> None:
        path = bench.save("细则.md", RULE, Overrides(DocType.POLICY))
        bench.ingest([path])
        [entry] = bench.catalog(OFFICER)
        assert bench.reindex(entry.key).files_indexed == 1
        with pytest.raises(InputError):
            bench.reindex("/elsewhere/policies/x.md")

    def test_delete_removes_chunks_manifest_entry_and_file(self, bench: Workbench) -> None:
        path = bench.save("细则.md", RULE, Overrides(DocType.POLICY))
        bench.ingest([path])
        [entry] = bench.catalog(OFFICER)
        assert bench.delete(entry.key) == entry.chunks > 0
        assert bench.catalog(OFFICER) == [] and bench.index.count() == 0
        assert entry.key not in Manifest.load(bench.index).files
        assert not path.exists() and not Overrides.sidecar(path).exists()
        assert not any("星河湾" in h.chunk.text for h in bench.index.search("星河湾 配套奖励", OFFICER))

    @pytest.mark.parametrize("name", ["病毒.exe", "无扩展名", "../../etc/passwd.md"])
    def test_save_refuses_unknown_kinds_and_keeps_names_inside_the_folder(self, bench: Workbench, name: str) -> None:
        if name.endswith(".md"):
            path = bench.save(name, RULE, Overrides())
            assert path.parent == bench.folder and path.name == "passwd.md"
        else:
            with pytest.raises(InputError, match="不支持的文件类型"):
                bench.save(name, b"x", Overrides())


def test_overrides_round_trip_through_the_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    stated = Overrides(DocType.POLICY, Visibility.CONFIDENTIAL, {"region": "上海", "effective_date": "2024-03-01"})
    stated.write_beside(path)
    assert Overrides.beside(path) == stated
    assert Overrides.beside(tmp_path / "b.pdf") is None
