"""The JSON contract and exit codes of ``kezhuan ingest``, ``search`` and ``disclose``, through the real script."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.pipeline import Ingestor
from tests.conftest import REPO
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


EXAMPLE_FORM = json.loads((REPO / "examples" / "disclosure-form.json").read_text(encoding="utf-8"))
POLICY = "# 示例规定\n\n第一条 论文发表或会议报告前，应先提交专利申请，以免公开在先破坏新颖性。\n"


@pytest.fixture
def small_data_dir(tmp_path: Path, cli_env: dict[str, str]) -> Path:
    """The CLI's data dir holding a real index of one policy: enough to draft."""
    (tmp_path / "kb" / "policies").mkdir(parents=True)
    (tmp_path / "kb" / "policies" / "rule.md").write_text(POLICY, encoding="utf-8")
    data_dir = Path(cli_env["KEZHUAN_DATA_DIR"])
    index = KnowledgeIndex(Settings(data_dir=data_dir, cache_dir=Path(cli_env["KEZHUAN_CACHE_DIR"])))
    assert not Ingestor(index).ingest([tmp_path / "kb"]).errors
    index.close()
    return data_dir


def write_form(tmp_path: Path, **changes: object) -> Path:
    path = tmp_path / "form.json"
    path.write_text(json.dumps({**EXAMPLE_FORM, **changes}, ensure_ascii=False), encoding="utf-8")
    return path


class TestDiscloseCommand:
    def test_title_with_colon_is_stored_and_found_by_its_owner(
        self, small_data_dir: Path, cli_env: dict[str, str], tmp_path: Path
    ) -> None:
        title = "压电贴片: 一种低功耗测温方法"
        result = kezhuan("disclose", str(write_form(tmp_path, title=title, author="r-zhou")), env=cli_env)
        assert result.returncode == 0 and result.stdout.startswith(f"# 科技成果披露摘要：{title}")
        assert "草稿已作为保密文档存入索引（仅 r-zhou 与转化专员可见）" in result.stderr
        search = ("search", title, "--type", "disclosure", "--role", "researcher")
        _, own = kezhuan_json(*search, "--user", "r-zhou", env=cli_env)
        assert f"{title}（披露摘要）" in {h["title"] for h in own["hits"]}
        _, other = kezhuan_json(*search, "--user", "r-other", env=cli_env)
        assert other["hits"] == []

    def test_failed_store_exits_1_after_writing_the_draft(
        self, small_data_dir: Path, cli_env: dict[str, str], tmp_path: Path
    ) -> None:
        (small_data_dir / "disclosures").write_text("不是文件夹", encoding="utf-8")
        out = tmp_path / "draft.md"
        result = kezhuan("disclose", str(write_form(tmp_path)), "-o", str(out), env=cli_env)
        assert result.returncode == 1 and out.read_text(encoding="utf-8").startswith("# 科技成果披露摘要")
        assert result.stderr.strip().splitlines()[-1].startswith("错误：草稿未能存入知识库：无法写入")
        assert "存入索引（仅" not in result.stderr

    def test_form_problems_exit_2_one_chinese_line_per_field(self, cli_env: dict[str, str], tmp_path: Path) -> None:
        form = write_form(tmp_path, title="", author="../../escape", inventors="张示例，６０，土木学院\n李示例，40")
        result = kezhuan("disclose", str(form), env=cli_env)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.strip().splitlines() == [
            "错误：成果名称（title）：必填（至少2字）",
            "错误：提交人编号（author）：只能由英文字母、数字和 _ . - 组成，以字母或数字开头，不含“..”，最多64个字符，如 r-zhang",
        ]

    def test_100k_character_fields_are_refused_within_seconds(self, cli_env: dict[str, str], tmp_path: Path) -> None:
        form = write_form(tmp_path, solution="字" * 100_000)
        started = time.perf_counter()
        result = kezhuan("disclose", str(form), env=cli_env, timeout=60)
        assert result.returncode == 2 and time.perf_counter() - started < 30  # it used to run for 22 minutes
        assert "错误：技术方案（solution）：最多5000字（现为100000字）" in result.stderr.splitlines()

    def test_form_not_in_utf8_exits_2_with_one_line(self, cli_env: dict[str, str], tmp_path: Path) -> None:
        form = tmp_path / "form.json"
        form.write_bytes(json.dumps(EXAMPLE_FORM, ensure_ascii=False).encode("gbk"))
        result = kezhuan("disclose", str(form), env=cli_env)
        assert result.returncode == 2
        assert result.stderr.strip() == f"错误：披露表不是 UTF-8 编码的文本：{form}；请另存为 UTF-8 后重试"
