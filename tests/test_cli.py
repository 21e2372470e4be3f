"""The JSON contract and exit codes of ``kezhuan ingest`` and ``kezhuan search``, through the real script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.corpus import write_corpus
from tests.helpers import kezhuan, kezhuan_json

INGEST_KEYS = {"files_seen", "files_indexed", "files_unchanged", "chunks_added", "chunks_removed", "errors"}
HIT_KEYS = {"id", "doc_id", "doc_type", "title", "source", "locator", "score", "text"}


@pytest.fixture
def ingested(tmp_path: Path, cli_env: dict[str, str]) -> Path:
    corpus = write_corpus(tmp_path / "kb")
    code, report = kezhuan_json("ingest", str(corpus), env=cli_env)
    assert code == 0 and set(report) == INGEST_KEYS and report["errors"] == []
    return corpus


class TestIngestCommand:
    def test_reingest_json_reports_unchanged(self, ingested: Path, cli_env: dict[str, str]) -> None:
        code, report = kezhuan_json("ingest", str(ingested), env=cli_env)
        assert code == 0
        assert report["chunks_added"] == 0 and report["files_unchanged"] == report["files_seen"] > 0

    def test_partial_failure_exits_1_with_errors(self, ingested: Path, cli_env: dict[str, str]) -> None:
        (ingested / "policies" / "broken.pdf").write_bytes(b"not a pdf at all")
        code, report = kezhuan_json("ingest", str(ingested), env=cli_env)
        assert code == 1
        assert [e["path"].endswith("broken.pdf") for e in report["errors"]] == [True]
        assert set(report["errors"][0]) == {"path", "error"}

    def test_missing_path_exits_2(self, cli_env: dict[str, str], tmp_path: Path) -> None:
        result = kezhuan("ingest", str(tmp_path / "nowhere"), "--json", env=cli_env)
        assert result.returncode == 2 and result.stdout == ""
        assert "nowhere" in result.stderr and len(result.stderr.strip().splitlines()) == 1

    def test_unknown_type_exits_2(self, ingested: Path, cli_env: dict[str, str]) -> None:
        result = kezhuan("ingest", str(ingested), "--type", "poem", env=cli_env)
        assert result.returncode == 2 and "policy" in result.stderr


class TestSearchCommand:
    def test_search_json_shape_and_role_filter(self, ingested: Path, cli_env: dict[str, str]) -> None:
        code, payload = kezhuan_json("search", "作价入股奖励比例", "-k", "3", env=cli_env)
        assert code == 0 and payload["query"] == "作价入股奖励比例"
        assert len(payload["hits"]) == 3 and all(set(h) == HIT_KEYS for h in payload["hits"])
        assert payload["hits"][0]["locator"] == "第四条"
        _, enterprise = kezhuan_json("search", "玄鸟-9型催化剂", "--role", "enterprise", "-k", "20", env=cli_env)
        assert all(h["doc_type"] != "disclosure" for h in enterprise["hits"])

    def test_search_type_filter(self, ingested: Path, cli_env: dict[str, str]) -> None:
        _, payload = kezhuan_json("search", "隔膜", "--type", "patent", env=cli_env)
        assert {h["doc_type"] for h in payload["hits"]} == {"patent"}

    @pytest.mark.parametrize("query", ["", "   \t "])
    def test_empty_query_exits_2(self, cli_env: dict[str, str], query: str) -> None:
        result = kezhuan("search", query, "--json", env=cli_env)
        assert result.returncode == 2 and result.stdout == "" and "查询为空" in result.stderr

    def test_one_megabyte_query_from_stdin_is_truncated_with_warning(
        self, ingested: Path, cli_env: dict[str, str]
    ) -> None:
        result = kezhuan("search", "-", "--json", env=cli_env, stdin="奖励比例" * 90_000)  # ~1 MB of UTF-8
        assert result.returncode == 0 and "截取" in result.stderr
        assert len(json.loads(result.stdout)["query"]) == 2000

    def test_plain_output_lists_hits(self, ingested: Path, cli_env: dict[str, str]) -> None:
        result = kezhuan("search", "养猫", "-k", "1", env=cli_env)
        assert result.returncode == 0 and "[1]" in result.stdout and "猫咪饲养" in result.stdout
