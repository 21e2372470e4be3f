"""Briefings: figures equal a direct count over knowledge/, charts render Chinese, sources are complete.

The direct counts read the shipped CSV and Markdown files with the csv module, independently
of the ingest pipeline and of the briefing's own grouping code.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import docx
import pytest

from assistant.config import Settings
from assistant.errors import EmptyQueryError, InputError
from assistant.generate.citations import cited_numbers, quote_is_verbatim
from assistant.generate.llm import make_chat_model
from assistant.generate.prompts import SYSTEM_PROMPT
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.records import DocType
from assistant.report.charts import chart_font, render_chart
from assistant.tasks.briefing import MATCH_THRESHOLD, Briefer, Briefing, BriefingRequest, Chart
from assistant.tasks.briefing_document import briefing_markdown, save_briefing
from tests.conftest import REPO
from tests.helpers import index_env, run_cli
from tests.injection import DOC_ID, INJECTED_ORDER, injected_index
from tests.openai_stub import OpenAIStub

KNOWLEDGE = REPO / "knowledge"
AI = "人工智能"
OFFICER = Audience(Role.OFFICER)


def rows(folder: str) -> list[dict[str, str]]:
    return [
        r for path in sorted((KNOWLEDGE / folder).glob("*.csv")) for r in csv.DictReader(path.open(encoding="utf-8"))
    ]


def labelled(row: dict[str, str], column: str, industry: str) -> bool:
    """A record is in an industry when any of its labels ("汽车/新能源汽车") is that industry."""
    return industry in row[column].split("/")


def direct_ai_counts() -> dict[str, int]:
    """What an officer would count by hand in the CSVs for 人工智能."""
    patents = [r for r in rows("patents") if labelled(r, "所属产业", AI)]
    demands = [r for r in rows("demands") if labelled(r, "所属行业", AI)]
    counts = {"成果总数": len(patents), "企业需求总数": len(demands)}
    counts["有效或已授权的成果"] = sum(r["法律状态"] in ("授权", "有效") for r in patents)
    counts.update({f"成果按法律状态：{k}": v for k, v in Counter(r["法律状态"] for r in patents).items()})
    counts.update({f"成果按成熟度：{k}": v for k, v in Counter(r["成熟度"] for r in patents).items()})
    sections = Counter(r["IPC分类号"].strip()[0] for r in patents)
    counts.update({k: v for k, v in sections.items()})  # checked by section letter below
    for mode in ("转让", "许可", "作价投资", "合作开发", "技术服务"):
        counts[f"成果按合作方式：{mode}"] = sum(mode in r["合作方式"] for r in patents)
    counts["可提供服务的白名单机构"] = sum(
        r["是否白名单"] == "是" and (AI in r["服务领域"] or "不限" in r["服务领域"]) for r in rows("agencies")
    )
    counts["处于披露阶段的保密成果"] = sum(
        AI in p.read_text(encoding="utf-8") for p in (KNOWLEDGE / "disclosures").glob("*.md")
    )
    uppers = [re.findall(r"\d+", r["预算区间"]) for r in demands]
    counts["需求按预算区间：30万元及以下"] = sum(bool(u) and int(u[-1]) <= 30 for u in uppers)
    counts["需求按预算区间：面议或未填"] = sum(not u for u in uppers)
    return counts


@pytest.fixture(scope="module")
def ai_briefing(knowledge_index: KnowledgeIndex) -> Briefing:
    return Briefer(knowledge_index).build(BriefingRequest(topic="人工智能领域可转化成果"), OFFICER)


class TestFigures:
    def test_figures_equal_a_direct_count(self, ai_briefing: Briefing) -> None:
        expected = direct_ai_counts()
        values = {f.name: f.value for f in ai_briefing.figures}
        for name in [n for n in expected if len(n) > 1]:
            assert values.get(name, 0) == expected[name], name
        by_section = {f.name.split("：")[1][0]: f.value for f in ai_briefing.figures if f.group == "成果按IPC部"}
        assert by_section == {s: expected[s] for s in "ABCDEFGH" if s in expected}
        assert all(f.counted_over for f in ai_briefing.figures)

    def test_distributions_add_up_to_their_totals(self, ai_briefing: Briefing) -> None:
        total = ai_briefing.figure("成果总数")
        for group in ("成果按法律状态", "成果按成熟度", "成果按IPC部", "成果按所属产业"):
            assert sum(f.value for f in ai_briefing.figures if f.group == group) == total, group
        demand_total = ai_briefing.figure("企业需求总数")
        assert sum(f.value for f in ai_briefing.figures if f.group == "需求按预算区间") == demand_total
        stacked = ai_briefing.charts[0]
        assert sum(sum(values) for values in stacked.series.values()) == total
        modes = next(c for c in ai_briefing.charts if not c.stacked)  # offered vs wanted, side by side
        for series, group in (("成果", "成果按合作方式"), ("需求", "需求按合作方式")):
            counted = {f.name.split("：")[1]: f.value for f in ai_briefing.figures if f.group == group}
            assert {m: v for m, v in zip(modes.categories, modes.series[series], strict=True) if v} == counted

    def test_pairs_are_above_the_threshold_and_public(self, ai_briefing: Briefing) -> None:
        matched = ai_briefing.figure(f"有{MATCH_THRESHOLD}成果的需求")
        assert 0 < matched <= ai_briefing.figure("企业需求总数")
        assert ai_briefing.pairs and all(p.confidence == "高" for p in ai_briefing.pairs)
        assert all(
            p.patent.doc_type is DocType.PATENT and p.demand.meta["industry"].startswith(AI) for p in ai_briefing.pairs
        )

    def test_actions_give_reasons_and_unmatched_demands_are_posted(self, ai_briefing: Briefing) -> None:
        assert ai_briefing.actions and all(a.reason for a in ai_briefing.actions)
        unmatched = ai_briefing.figure("企业需求总数") - ai_briefing.figure(f"有{MATCH_THRESHOLD}成果的需求")
        posting = [a for a in ai_briefing.actions if "发布到技术交易平台" in a.text]
        assert bool(posting) == (unmatched > 0)

    def test_policy_highlights_are_cited_verbatim(self, ai_briefing: Briefing) -> None:
        assert ai_briefing.highlights and ai_briefing.citations
        assert set(cited_numbers(ai_briefing.highlights)) == {c.n for c in ai_briefing.citations}
        assert all(quote_is_verbatim(c.quote, c.chunk.text) for c in ai_briefing.citations)
        assert all(c.chunk.doc_type in (DocType.POLICY, DocType.FAQ) for c in ai_briefing.citations)

    def test_scope_by_topic_words_and_filing_dates(self, knowledge_index: KnowledgeIndex) -> None:
        request = BriefingRequest(topic="锂电池相关成果", since=date(2020, 1, 1), until=date(2023, 12, 31))
        briefing = Briefer(knowledge_index).build(request, OFFICER)
        expected = [
            r for r in rows("patents")
            if "锂电池" in r["名称"] + r["摘要"] and "2020-01-01" <= r["申请日"] <= "2023-12-31"
        ]  # fmt: skip
        assert expected and briefing.figure("成果总数") == len(expected)
        assert "文本含「锂电池」" in briefing.scope and "申请日2020-01-01至2023-12-31" in briefing.scope

    def test_a_compound_term_matches_whole_or_by_all_its_words(self, knowledge_index: KnowledgeIndex) -> None:
        briefing = Briefer(knowledge_index).build(BriefingRequest(topic="自动驾驶相关成果"), OFFICER)
        texts = [r["名称"] + r["摘要"] for r in rows("patents")]
        whole = sum("自动驾驶" in t for t in texts)
        by_words = sum("自动" in t and "驾驶" in t for t in texts)
        assert briefing.figure("成果总数") == by_words > whole  # the rule adds records, and only those
        assert "（或同时含自动、驾驶）" in briefing.scope

    def test_bad_requests_fail_with_one_line(self, knowledge_index: KnowledgeIndex) -> None:
        briefer = Briefer(knowledge_index)
        with pytest.raises(InputError, match="未知产业"):
            briefer.build(BriefingRequest(topic="成果", industry="火星"), OFFICER)
        with pytest.raises(InputError, match="晚于"):
            briefer.build(BriefingRequest(topic="成果", since=date(2024, 1, 1), until=date(2023, 1, 1)), OFFICER)
        with pytest.raises(InputError, match="成熟度"):
            briefer.build(BriefingRequest(topic="成果", min_maturity="差不多"), OFFICER)
        with pytest.raises(EmptyQueryError):
            briefer.build(BriefingRequest(topic="   "), OFFICER)

    def test_empty_index_is_refused(self, make_settings) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(InputError, match="没有专利或需求记录"):
            Briefer(KnowledgeIndex(make_settings())).build(BriefingRequest(topic="成果"), OFFICER)


class TestConfidentiality:
    def test_disclosures_are_counted_for_officers_only_and_never_quoted(
        self, knowledge_index: KnowledgeIndex, ai_briefing: Briefing, tmp_path: Path
    ) -> None:
        assert ai_briefing.figure("处于披露阶段的保密成果") >= 1
        text = briefing_markdown(ai_briefing, [])
        for path in (KNOWLEDGE / "disclosures").glob("*.md"):
            title = re.search(r"^title: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
            assert title and title.group(1) not in text
            assert path.stem not in text
        assert all(s["doc_id"].startswith(("CN", "D-", "policies/", "faq/")) for s in ai_briefing.sources())
        enterprise = Briefer(knowledge_index).build(BriefingRequest(topic="人工智能领域可转化成果"), Audience.public())
        assert "处于披露阶段的保密成果" not in {f.name for f in enterprise.figures}
        assert "保密" not in enterprise.narrative

    def test_only_whitelisted_agencies_are_named(self, ai_briefing: Briefing) -> None:
        agencies = rows("agencies")
        text = briefing_markdown(ai_briefing, [])
        outside = [r["机构名称"] for r in agencies if r["是否白名单"] != "是"]
        assert not [name for name in outside if name in text]
        assert any(r["机构名称"] in text for r in agencies if r["是否白名单"] == "是")


class TestDocuments:
    def test_cli_writes_a_docx_whose_figures_match_a_direct_count(
        self, knowledge_index: KnowledgeIndex, tmp_path: Path
    ) -> None:
        env = index_env(knowledge_index)
        out = tmp_path / "out.docx"
        ran = run_cli("brief", "人工智能领域可转化成果", "--format", "docx", "-o", str(out), "--json", env=env)
        code, payload = ran.exit_code, ran.json()
        assert code == 0 and payload["path"] == str(out) and payload["title"] == "人工智能领域可转化成果简报"
        values = {f["name"]: f["value"] for f in payload["figures"]}
        expected = direct_ai_counts()
        for name in (
            "成果总数",
            "企业需求总数",
            "有效或已授权的成果",
            "可提供服务的白名单机构",
            "成果按法律状态：授权",
        ):
            assert values[name] == expected[name], name
        assert all(set(s) == {"doc_id", "title", "locator"} and s["locator"] for s in payload["sources"])

        document = docx.Document(str(out))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert "二、主要数据" in headings and "三、图表" in headings and "七、资料来源" in headings
        assert len(document.inline_shapes) >= 3  # the charts, embedded
        figure_rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
        assert figure_rows["成果总数"] == str(expected["成果总数"])
        body = "\n".join(p.text for p in document.paragraphs)
        assert all(s["title"] in body for s in payload["sources"])

    def test_cli_refuses_a_format_that_contradicts_the_output_file(self, tmp_path: Path) -> None:
        ran = run_cli(
            "brief",
            "人工智能",
            "--format",
            "docx",
            "-o",
            str(tmp_path / "b.md"),
            env={"KEZHUAN_DATA_DIR": str(tmp_path / "data")},
        )
        assert ran.exit_code == 2 and ran.stderr.strip() == "错误：输出文件后缀 .md 与 --format docx 不一致"
        assert not list(tmp_path.iterdir())

    def test_markdown_links_charts_saved_beside_it(self, ai_briefing: Briefing, tmp_path: Path) -> None:
        path = save_briefing(ai_briefing, tmp_path / "brief.md")
        text = path.read_text(encoding="utf-8")
        links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
        assert len(links) == len(ai_briefing.charts) >= 3
        assert all((tmp_path / link).read_bytes().startswith(b"\x89PNG") for link in links)
        assert "## 七、资料来源" in text and "样例数据" in text

    def test_unknown_suffix_is_refused(self, ai_briefing: Briefing, tmp_path: Path) -> None:
        with pytest.raises(InputError, match=r"\.pdf"):
            save_briefing(ai_briefing, tmp_path / "brief.pdf")

    def test_chart_labels_use_a_font_with_chinese_glyphs(self, tmp_path: Path) -> None:
        from matplotlib import font_manager
        from matplotlib.ft2font import FT2Font

        path = font_manager.findfont(font_manager.FontProperties(family=chart_font()), fallback_to_default=False)
        font = FT2Font(path)
        assert all(font.get_char_index(ord(ch)) for ch in "成果法律状态需求预算")
        png = render_chart(Chart("成果按法律状态", ("授权", "有效"), {"成果": (3, 2)}), tmp_path / "c.png")
        assert png.read_bytes().startswith(b"\x89PNG")


class TestNarrative:
    @pytest.mark.parametrize(
        ("mode", "by_model", "notice"),
        [("cite", True, ""), ("renumber", False, "37"), ("error", False, "失败")],
    )
    def test_llm_overview_kept_only_when_its_numbers_are_figures(
        self, knowledge_index: KnowledgeIndex, openai_stub: OpenAIStub, mode: str, by_model: bool, notice: str
    ) -> None:
        openai_stub.state.mode = mode
        model = make_chat_model(Settings(openai_api_key="k", openai_base_url=openai_stub.base_url, llm_timeout=5.0))
        request = BriefingRequest(topic="人工智能领域可转化成果", since=date(2022, 1, 1))
        briefing = Briefer(knowledge_index, llm=model).build(request, OFFICER)
        offline = Briefer(knowledge_index).build(request, OFFICER)
        assert ("（大模型概述）" in briefing.narrative) is by_model
        if by_model:
            assert "[9]" not in briefing.narrative and "[1]" in briefing.narrative  # citations to nothing removed
            assert not briefing.notice and briefing.narrative_by == model.model_name
        else:
            assert briefing.narrative == offline.narrative and notice in briefing.notice
        system, user = openai_stub.state.requests[-1]["messages"]  # the answers' rules and fences
        assert system["role"] == "system" and system["content"] == SYSTEM_PROMPT
        assert "<资料 标题=已核对的统计数字>" in user["content"] and "<资料 编号=1 " in user["content"]


def test_policy_highlights_never_quote_an_injected_order(
    knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory
) -> None:
    index = injected_index(knowledge_index, tmp_path_factory.mktemp("injected"))
    briefing = Briefer(index).build(BriefingRequest(topic="高校科技成果转化奖励"), OFFICER)
    assert any(c.chunk.doc_id == DOC_ID for c in briefing.citations)  # the file is on topic and quoted…
    assert "忽略" not in briefing.highlights and "100%" not in briefing.highlights  # …but not its order
    assert all(INJECTED_ORDER not in c.quote for c in briefing.citations)
