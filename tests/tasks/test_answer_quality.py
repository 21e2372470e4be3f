"""Answers an officer would sign (issue 11): the asked region's rule first, the gap said first,
what is asked for leading, lists whole, dates given, nothing repeated — on the shipped knowledge base.

The Beijing regulation below is a test fixture written for these tests in our own words (it states
the ≥70% rule for government-established institutions); it is ingested into a copy of the session
index, so the knowledge base is not embedded again.
"""

from __future__ import annotations

import json

import pytest

from assistant.generate.citations import CITATION_PATTERN
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.records import Answer
from assistant.tasks.qa import QuestionAnswerer
from assistant.text import split_sentences
from tests.conftest import copy_index
from tests.helpers import index_env, run_cli
from tests.openai_stub import OpenAIStub

PUBLIC = Audience.public()
BEIJING_QUESTION = "北京市规定科技成果转让的奖励比例不低于多少？"
BEIJING_REGULATION = """# 北京市促进科技成果转化条例

第一条 为推动本市科技成果转化，结合本市实际，制定本条例（测试用改写文本，非原文）。

第二条 政府设立的研究开发机构、高等院校转让或者许可他人实施其职务科技成果的，应当从所得净收入中提取不低于70%的比例，用于奖励对完成和转化该成果作出重要贡献的人员。

第三条 本条例自2020年1月1日起施行。
"""


def offline(index: KnowledgeIndex) -> QuestionAnswerer:
    return QuestionAnswerer(index, index.settings.model_copy(update={"openai_api_key": None}))


@pytest.fixture(scope="module")
def qa(knowledge_index: KnowledgeIndex) -> QuestionAnswerer:
    return offline(knowledge_index)


@pytest.fixture(scope="module")
def with_beijing(knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeIndex:
    folder = tmp_path_factory.mktemp("beijing")
    index = copy_index(knowledge_index, folder)
    laws = folder / "laws"
    laws.mkdir()
    (laws / "北京市促进科技成果转化条例.md").write_text(BEIJING_REGULATION, encoding="utf-8")
    report = Ingestor(index).ingest([laws])
    assert not report.errors and report.chunks_added
    return index


def sentences(answer: Answer) -> list[str]:
    return [s for s in split_sentences(CITATION_PATTERN.sub("", answer.text)) if s.strip()]


def first_sentence(answer: Answer) -> str:
    return sentences(answer)[0]


class TestRegions:
    def test_beijing_not_covered_says_so_first_and_gives_the_national_floor(self, qa: QuestionAnswerer) -> None:
        answer = qa.answer(BEIJING_QUESTION, PUBLIC)
        assert answer.grounded and answer.gaps == ("北京",)
        assert "知识库尚未收录北京" in first_sentence(answer)
        assert "50%" in answer.text and "全国性规定" in answer.text
        assert "70%" not in answer.text  # Shanghai's figure is never presented as Beijing's
        assert all(c.chunk.meta.get("region") == "全国" for c in answer.citations)

    def test_beijing_regulation_ingested_leads_with_its_seventy_percent(self, with_beijing: KnowledgeIndex) -> None:
        answer = offline(with_beijing).answer(BEIJING_QUESTION, PUBLIC)
        assert answer.grounded and not answer.gaps
        assert "70%" in first_sentence(answer) and "北京" in first_sentence(answer)
        lead = answer.citations[0].chunk
        assert lead.meta["region"] == "北京" and lead.meta["level"] == "regulation"
        assert lead.meta["effective_date"] == "2020-01-01"
        assert "2020年1月1日起施行" in answer.text
        assert not any(c.chunk.meta.get("region") == "上海" for c in answer.citations)

    @pytest.mark.parametrize(
        "question", ["深圳的高校把专利转让出去，给科研团队的奖励比例最低是多少？", "浙江协议定价公示期多长？"]
    )
    def test_other_uncovered_regions_get_the_gap_and_national_rules_only(
        self, qa: QuestionAnswerer, question: str
    ) -> None:
        answer = qa.answer(question, PUBLIC)
        region = answer.gaps[0]
        assert f"知识库尚未收录{region}" in first_sentence(answer)
        assert all(c.chunk.meta.get("region") == "全国" for c in answer.citations)
        assert "〔上海" not in answer.text and "70%" not in answer.text  # no Shanghai rule, labelled or not

    def test_no_region_named_shows_national_and_shanghai_each_labelled(self, qa: QuestionAnswerer) -> None:
        answer = qa.answer("科技成果转让给研发团队的奖励比例最低是多少？", PUBLIC)
        assert "50%" in answer.text and "70%" in answer.text
        assert "〔全国性规定" in answer.text and "〔上海地方规定" in answer.text

    def test_ask_json_keeps_its_keys_and_adds_region_level_and_date(self, knowledge_index: KnowledgeIndex) -> None:
        ran = run_cli("ask", BEIJING_QUESTION, "--json", env=index_env(knowledge_index))
        payload = json.loads(ran.stdout)
        assert {"answer", "citations", "intent", "mode", "grounded"} <= set(payload)
        assert payload["not_covered"] == ["北京"]
        citation = payload["citations"][0]
        assert {"n", "doc_id", "title", "source", "locator", "quote"} <= set(citation)
        assert citation["region"] == "全国" and citation["level"] and citation["effective_date"]


class TestComposition:
    @pytest.mark.parametrize("question", ["多长时间内要向学校披露？", "我做出成果以后，多长时间内必须向学校披露？"])
    def test_deadline_question_leads_with_the_disclosure_rule_not_the_patent_bonus(
        self, qa: QuestionAnswerer, question: str
    ) -> None:
        # The composition is checked whatever the refusal threshold decides for the bare short form.
        composed = qa.gather(question, PUBLIC).composition.text
        lead = split_sentences(CITATION_PATTERN.sub("", composed))[0]
        assert "3个月" not in lead and "奖金" not in lead
        assert "报告" in lead or "披露" in lead

    def test_validity_question_gets_the_date(self, qa: QuestionAnswerer) -> None:
        answer = qa.answer("上海条例什么时候施行？还有效吗？", PUBLIC)
        assert "2017年6月1日" in first_sentence(answer)

    def test_a_list_keeps_its_items(self, qa: QuestionAnswerer) -> None:
        answer = qa.answer("转让净收入怎么算？要扣除哪些费用？", PUBLIC)
        assert "相关税费" in answer.text and "评估" in answer.text
        assert not any(s.endswith(("：", ":")) for s in sentences(answer))

    @pytest.mark.parametrize(
        "question",
        [
            BEIJING_QUESTION,
            "我做出成果以后，多长时间内必须向学校披露？",
            "转让净收入怎么算？要扣除哪些费用？",
            "上海条例什么时候施行？还有效吗？",
            "协议定价要公示多久？",
            "职务科技成果怎么披露？",
            "赋权试点要走哪些步骤？",
        ],
    )
    def test_no_answer_repeats_a_sentence_or_ends_on_a_lead_in(self, qa: QuestionAnswerer, question: str) -> None:
        said = sentences(qa.answer(question, PUBLIC))
        assert len(said) == len(set(said)), said
        assert not any(s.endswith(("：", ":")) for s in said), said
        assert not any(s.startswith(("所以，", "之后", "第三，", "本指南")) for s in said), said


class TestRefusal:
    def test_refusal_lists_only_sources_about_the_question(self, qa: QuestionAnswerer) -> None:
        answer = qa.answer("注册一个商标要交多少官费？", PUBLIC)
        assert not answer.grounded and answer.text.startswith("知识库中没有找到")
        assert "超出" not in answer.text  # in scope or not is the chat's call; this one says the base lacks it
        for citation in answer.citations:
            assert citation.quote.strip() != citation.chunk.title.strip()
        assert "行" not in "".join(line for line in answer.text.splitlines()[1:] if "》第" in line)


class TestLLMRegions:
    def llm(self, index: KnowledgeIndex, stub: OpenAIStub) -> QuestionAnswerer:
        settings = index.settings.model_copy(
            update={"openai_api_key": "k", "openai_base_url": stub.base_url, "llm_model": "stub", "llm_timeout": 10.0}
        )
        return QuestionAnswerer(index, settings)

    def test_context_blocks_carry_region_level_and_date_and_the_gap_is_asked_for(
        self, knowledge_index: KnowledgeIndex, openai_stub: OpenAIStub
    ) -> None:
        answer = self.llm(knowledge_index, openai_stub).answer(BEIJING_QUESTION, PUBLIC)
        prompt = openai_stub.state.requests[-1]["messages"][1]["content"]
        assert "地区=全国" in prompt and "层级=指南" in prompt and "施行=2015年10月1日" in prompt
        assert "知识库尚未收录以下地区的规定：北京" in prompt
        # The stub quotes block 1 and never says Beijing is not covered: the answer falls back, with the notice.
        assert answer.mode == "extractive" and "北京" in answer.notice
        assert "知识库尚未收录北京" in first_sentence(answer)

    def test_a_number_in_no_cited_block_falls_back(
        self, knowledge_index: KnowledgeIndex, openai_stub: OpenAIStub
    ) -> None:
        openai_stub.state.mode = "stray_number"
        answer = self.llm(knowledge_index, openai_stub).answer(
            "上海高校科技成果转让净收入给研发团队的奖励不低于多少？", PUBLIC
        )
        assert answer.mode == "extractive" and "99" in answer.notice and "99" not in answer.text
