"""Disclosure drafting on the shipped knowledge base: validation, draft, docx, storage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest

from assistant.config import Settings
from assistant.generate.llm import make_chat_model
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType
from assistant.tasks.disclosure import DisclosureDrafter, DisclosureFormError, parse_form, polish_summary
from assistant.tasks.ipc import suggest_ipc, suggest_sections
from tests.conftest import REPO
from tests.openai_stub import OpenAIStub

AUTHOR = Audience(Role.RESEARCHER, "r-zhang")  # the example form's author
FORM = json.loads((REPO / "examples" / "disclosure-form.json").read_text(encoding="utf-8"))
SECTIONS = (
    "基本信息",
    "一段话摘要",
    "关键创新点",
    "技术方案",
    "成熟度",
    "转化办将关注的问题",
    "相似专利",
    "IPC 分类建议",
    "下一步建议",
)


def form(**changes: Any) -> dict[str, Any]:
    return {**FORM, **changes}


class TestParseForm:
    def test_example_form_is_valid(self) -> None:
        parsed = parse_form(FORM)
        assert parsed.inventors[0].share == 60 and parsed.publications[0].date.isoformat() == "2025-05-20"  # type: ignore[union-attr]

    def test_each_problem_reported_once_per_field(self) -> None:
        bad = form(title="", achievement_type="论文", maturity="快好了", innovations=["a", "b", "c", "d"])
        bad["publications"] = [{"kind": "论文", "date": "2025-13-45", "status": "已公开"}]
        with pytest.raises(DisclosureFormError) as info:
            parse_form(bad)
        problems = info.value.problems
        assert set(problems) == {"title", "achievement_type", "maturity", "innovations", "publications"}
        assert "TRL" in problems["maturity"] and "YYYY-MM-DD" in problems["publications"]
        assert "成果名称" in str(info.value)

    def test_shares_must_add_up_to_100(self) -> None:
        bad = form(inventors=[{"name": "甲", "share": 50}, {"name": "乙", "share": 40}])
        with pytest.raises(DisclosureFormError) as info:
            parse_form(bad)
        assert info.value.problems == {"inventors": "完成人贡献比例合计应为100%，现为90%"}

    def test_vertical_funding_needs_project_number(self) -> None:
        with pytest.raises(DisclosureFormError) as info:
            parse_form(form(project_no=""))
        assert "project_no" in info.value.problems


@pytest.fixture(scope="module")
def own_index(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path) -> KnowledgeIndex:
    """A copy of the knowledge base, because drafting stores a document in the index."""
    index = KnowledgeIndex(Settings(data_dir=tmp_path_factory.mktemp("disclose"), cache_dir=embedding_cache))
    Ingestor(index).ingest([REPO / "knowledge"])
    return index


class TestDisclosureDrafter:
    def test_draft_sections_checklist_and_hints(self, own_index: KnowledgeIndex, tmp_path: Path) -> None:
        draft = DisclosureDrafter(own_index).draft(parse_form(FORM), AUTHOR)
        markdown = draft.markdown()
        for section in SECTIONS:
            assert f"## {section}" in markdown
        issues = " ".join(item.issue for item in draft.checklist)
        assert "新颖性" in issues and "纵向" in issues and "实施例" in issues and "赋权" in issues
        assert all(item.basis is not None for item in draft.checklist)
        assert "（依据：《" in markdown
        assert "TRL5" in markdown and "非检索报告" in markdown.replace("并非检索报告", "非检索报告")
        assert len(draft.similar) == 5 and any("桥梁" in s.title or "拉索" in s.title for s in draft.similar)
        assert draft.ipc and all(len(s.code) == 4 for s in draft.ipc)
        assert draft.agencies and all(a.chunk.meta.get("whitelisted") is True for a in draft.agencies)

        path = draft.save_docx(tmp_path / "draft.docx")
        document = docx.Document(str(path))
        headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
        for section in SECTIONS:
            assert any(h.startswith(section) for h in headings), section
        assert any("压电薄膜兼作传感" in p.text for p in document.paragraphs)

    def test_stored_draft_is_confidential_to_its_author(self, own_index: KnowledgeIndex) -> None:
        draft = DisclosureDrafter(own_index).draft(
            parse_form(form(title="一种示例测温贴片及其标定方法", author="r-zhou")), Audience(Role.RESEARCHER, "r-zhou")
        )
        assert Path(draft.stored_as).exists()
        query = "示例测温贴片标定方法披露摘要"

        def sees(role: Role, user: str | None) -> bool:
            hits = own_index.search(query, Audience(role, user), top_k=5, doc_types=[DocType.DISCLOSURE])
            return any("测温贴片" in h.chunk.title for h in hits)

        assert sees(Role.RESEARCHER, "r-zhou") and sees(Role.OFFICER, None)
        assert not sees(Role.RESEARCHER, "r-other") and not sees(Role.ENTERPRISE, "r-zhou")


class TestIpc:
    def test_vote_from_nearest_classified_patents(self, knowledge_index: KnowledgeIndex) -> None:
        suggestions = suggest_ipc(knowledge_index, "基于深度学习的钢材表面缺陷图像检测方法", Audience.public())
        assert suggestions[0].code.startswith("G") and suggestions[0].evidence
        assert sum(s.confidence for s in suggestions) <= 1.0

    def test_keyword_fallback_without_classified_patents(self, tmp_path: Path, embedding_cache: Path) -> None:
        index = KnowledgeIndex(Settings(data_dir=tmp_path / "data", cache_dir=embedding_cache))
        (tmp_path / "kb").mkdir()
        (tmp_path / "kb" / "note.md").write_text("# 说明\n\n这里没有任何专利。", encoding="utf-8")
        Ingestor(index).ingest([tmp_path / "kb"])
        suggestions = suggest_ipc(index, "一种纺织纤维织物及其无纺工艺", Audience.public())
        assert suggestions[0].code == "D" and suggestions[0].evidence == ()
        assert suggest_sections("今天天气很好") == []


@pytest.mark.parametrize(
    ("mode", "polished", "notice"), [("cite", True, ""), ("renumber", False, "改动了数字"), ("error", False, "失败")]
)
def test_llm_polishes_prose_but_never_changes_a_number(
    openai_stub: OpenAIStub, mode: str, polished: bool, notice: str
) -> None:
    openai_stub.state.mode = mode
    model = make_chat_model(Settings(openai_api_key="k", openai_base_url=openai_stub.base_url, llm_timeout=5.0))
    summary = "本成果功耗低于50微瓦，误差小于2%，目前处于小试阶段。"
    result = polish_summary(summary, model)
    assert result.text == ("（润色）" + summary if polished else summary)
    assert (notice in result.notice) if notice else not result.notice  # a kept offline text always says why


def test_draft_says_why_the_llm_polish_was_not_used(knowledge_index: KnowledgeIndex, openai_stub: OpenAIStub) -> None:
    openai_stub.state.mode = "renumber"
    model = make_chat_model(Settings(openai_api_key="k", openai_base_url=openai_stub.base_url, llm_timeout=5.0))
    draft = DisclosureDrafter(knowledge_index, llm=model).draft(parse_form(FORM), AUTHOR, store=False)
    offline = DisclosureDrafter(knowledge_index).draft(parse_form(FORM), AUTHOR, store=False)
    assert draft.summary == offline.summary and "改动了数字" in draft.notice and not offline.notice
