"""Disclosure drafting on the shipped knowledge base: draft, docx, storage (and its attacks)."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from assistant.config import Settings
from assistant.errors import DisclosureFormError, InputError, StoreError
from assistant.generate.llm import make_chat_model
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.loaders.markdown import parse_front_matter
from assistant.ingest.manifest import Manifest
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType
from assistant.report.markdown import to_markdown
from assistant.tasks.disclosure import DisclosureDrafter, polish_summary
from assistant.tasks.disclosure_form import parse_form
from tests.conftest import REPO, copy_index
from tests.openai_stub import OpenAIStub

ZHOU = Audience(Role.RESEARCHER, "r-zhou")
AUTHOR = Audience(Role.RESEARCHER, "r-zhang")  # the example form's author
FORM = json.loads((REPO / "examples" / "disclosure-form.json").read_text(encoding="utf-8"))
SECTIONS = (
    "基本信息",
    "一段话摘要",
    "关键创新点",
    "技术方案",
    "成熟度",
    "公开与申请时间线",
    "转化办将关注的问题",
    "相似专利",
    "IPC 分类建议",
    "下一步建议",
)


def form(**changes: Any) -> dict[str, Any]:
    return {**FORM, **changes}


@pytest.fixture(scope="module")
def own_index(knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    """A copy of the knowledge base, because drafting stores a document in the index."""
    index = copy_index(knowledge_index, tmp_path_factory.mktemp("disclose"))
    yield index
    index.close()


class TestDisclosureDrafter:
    def test_draft_sections_checklist_and_hints(self, own_index: KnowledgeIndex, tmp_path: Path) -> None:
        draft = DisclosureDrafter(own_index, today=dt.date(2025, 8, 1)).draft(parse_form(FORM), AUTHOR)
        markdown = draft.markdown()
        for section in SECTIONS:
            assert f"## {section}" in markdown
        issues = " ".join(item.issue for item in draft.checklist)
        assert "纵向" in issues and "实施例" in issues and "赋权" in issues
        # the example's conference talk (2025-05-20, status 已公开 as older forms write it) opens a grace window
        assert draft.timeline is not None and draft.timeline.grace_last_day == dt.date(2025, 11, 20)
        assert (
            "最迟须在 2025-11-20 提交申请" in markdown and "《中华人民共和国专利法（2020修正）》第二十四条" in markdown
        )
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


POLICY = "# 示例规定\n\n第一条 论文发表或会议报告前，应先提交专利申请，以免公开在先破坏新颖性。\n"


@pytest.fixture
def small_index(make_settings: Any, tmp_path: Path) -> KnowledgeIndex:
    """A real index holding one policy: enough to draft, cheap to build per test."""
    (tmp_path / "kb" / "policies").mkdir(parents=True)
    (tmp_path / "kb" / "policies" / "rule.md").write_text(POLICY, encoding="utf-8")
    index = KnowledgeIndex(make_settings())
    assert not Ingestor(index).ingest([tmp_path / "kb"]).errors
    return index


def found_as(index: KnowledgeIndex, title: str, role: Role, user: str | None) -> list[str]:
    """Titles of the disclosures a search for ``title`` shows to this role and user."""
    hits = index.search(title, Audience(role, user), top_k=5, doc_types=[DocType.DISCLOSURE])
    return [h.chunk.title for h in hits]


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


class TestMyDrafts:
    def test_author_lists_reads_and_withdraws_others_cannot(self, small_index: KnowledgeIndex) -> None:
        drafter = DisclosureDrafter(small_index)
        stored = Path(drafter.draft(parse_form(form(title="压电贴片低功耗测温方法", author="r-zhou")), ZHOU).stored_as)
        [mine] = drafter.drafts(ZHOU)
        assert mine.doc_id == stored.name and mine.title == "压电贴片低功耗测温方法（披露摘要）" and mine.submitted
        text = drafter.read(mine.doc_id, ZHOU)
        assert text.startswith("# 科技成果披露摘要") and "owner:" not in text  # the index's front matter stays behind
        other, officer = Audience(Role.RESEARCHER, "r-other"), Audience(Role.OFFICER)
        assert drafter.drafts(other) == [] and drafter.drafts(officer) == []
        for stranger in (other, officer, Audience.public()):
            with pytest.raises(InputError, match="没有找到这份草稿"):
                drafter.read(mine.doc_id, stranger)
            with pytest.raises(InputError):
                drafter.withdraw(mine.doc_id, stranger)
        with pytest.raises(InputError):
            drafter.read("../manifest.json", ZHOU)
        drafter.withdraw(mine.doc_id, ZHOU)
        assert not stored.exists() and drafter.drafts(ZHOU) == []
        assert not found_as(small_index, "压电贴片低功耗测温方法", Role.OFFICER, None)
        assert stored.as_posix() not in Manifest.load(small_index).files


class TestStore:
    @pytest.mark.parametrize("title", ["压电贴片: 一种低功耗测温方法", "[草稿] 压电贴片低功耗测温方法"])
    def test_title_yaml_would_misread_is_stored_and_found_by_its_owner(
        self, small_index: KnowledgeIndex, title: str
    ) -> None:
        draft = DisclosureDrafter(small_index).draft(parse_form(form(title=title, author="r-zhou")), ZHOU)
        stored = Path(draft.stored_as)
        assert stored.parent == small_index.data_dir / "disclosures"
        assert f"{title}（披露摘要）" in found_as(small_index, title, Role.RESEARCHER, "r-zhou")
        assert found_as(small_index, title, Role.OFFICER, None)
        assert not found_as(small_index, title, Role.RESEARCHER, "r-other")
        assert not found_as(small_index, title, Role.ENTERPRISE, "r-zhou")

    def test_folder_is_private_to_the_service_account(self, small_index: KnowledgeIndex) -> None:
        stored = Path(DisclosureDrafter(small_index).draft(parse_form(form(author="r-zhou")), ZHOU).stored_as)
        assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no temporary file left

    @pytest.mark.parametrize("author", ["../../escape", "/tmp/escape-abs", "r-evil\nvisibility: public"])
    def test_hostile_author_is_refused_and_could_not_escape_or_publish_anyway(
        self, small_index: KnowledgeIndex, tmp_path: Path, author: str
    ) -> None:
        with pytest.raises(DisclosureFormError) as info:
            parse_form(form(author=author))
        assert "提交人编号" in info.value.messages()[0]
        # the store itself never trusts the id: a form that skipped validation stays inside and confidential
        unchecked = parse_form(form(title="压电贴片测温方法", author="r-zhou")).model_copy(update={"author": author})
        before = files_under(tmp_path) - files_under(small_index.data_dir)
        stored = DisclosureDrafter(small_index).store(
            DisclosureDrafter(small_index).draft(unchecked, ZHOU, store=False)
        )
        assert stored.parent == small_index.data_dir / "disclosures"
        assert files_under(tmp_path) - files_under(small_index.data_dir) == before
        assert not Path("/tmp/escape-abs").exists()
        front, _ = parse_front_matter(stored.read_text(encoding="utf-8"), stored)
        assert front["visibility"] == "confidential" and front["owner"] == author
        assert not found_as(small_index, "压电贴片测温方法", Role.ENTERPRISE, None)

    def test_store_refused_by_ingest_is_an_error_and_leaves_no_file(
        self, small_index: KnowledgeIndex, tmp_path: Path
    ) -> None:
        drafter = DisclosureDrafter(small_index)
        draft = drafter.draft(parse_form(form(author="r-zhou")), ZHOU, store=False)
        elsewhere = tmp_path / "copy" / draft.file_name()  # the same file already indexed from another folder
        elsewhere.parent.mkdir()
        elsewhere.write_text(to_markdown(draft.document, front_matter=draft.front_matter()), encoding="utf-8")
        assert not Ingestor(small_index).ingest([elsewhere], doc_type=DocType.DISCLOSURE).errors
        with pytest.raises(StoreError, match=r"^草稿未能存入知识库：.*已由"):
            drafter.store(draft)
        assert not (small_index.data_dir / "disclosures" / draft.file_name()).exists()

    def test_index_of_another_model_is_an_error(self, small_index: KnowledgeIndex) -> None:
        manifest = Manifest.load(small_index)
        manifest.embeddings = "another-model"
        manifest.save()
        with pytest.raises(StoreError, match=r"^草稿未能存入知识库：索引由向量模型 another-model 建立"):
            DisclosureDrafter(small_index).draft(parse_form(form(author="r-zhou")), ZHOU)
        assert not list((small_index.data_dir / "disclosures").iterdir())

    def test_unwritable_folder_is_an_error(self, small_index: KnowledgeIndex) -> None:
        (small_index.data_dir / "disclosures").write_text("不是文件夹", encoding="utf-8")
        with pytest.raises(StoreError, match=r"^草稿未能存入知识库：无法写入草稿文件夹"):
            DisclosureDrafter(small_index).draft(parse_form(form(author="r-zhou")), ZHOU)


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
