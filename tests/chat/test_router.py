"""The chat router on the shipped knowledge base: each turn reaches the right workflow, offline and with an LLM."""

from __future__ import annotations

import pytest

from assistant.chat.conversation import history_of
from assistant.chat.replies import BRIEFING_PROGRESS
from assistant.chat.router import ChatRouter
from assistant.errors import QueryTooLongError
from assistant.generate.citations import quote_is_verbatim
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.query import MAX_QUERY_CHARS
from assistant.records import Answer, DocType
from assistant.tasks.agencies import list_agencies
from assistant.tasks.qa import QuestionAnswerer
from tests.openai_stub import OpenAIStub

PUBLIC = Audience.public()
OFFICER = Audience(Role.OFFICER)
PREVIOUS = "科技成果转让给企业，净收入奖励研发团队的比例最低是多少？"


@pytest.fixture(scope="module")
def chat(knowledge_index: KnowledgeIndex) -> ChatRouter:
    return ChatRouter(knowledge_index, knowledge_index.settings.model_copy(update={"openai_api_key": None}))


def llm_chat(index: KnowledgeIndex, stub: OpenAIStub) -> ChatRouter:
    settings = index.settings.model_copy(
        update={"openai_api_key": "test-key", "openai_base_url": stub.base_url, "llm_model": "stub-model"}
    )
    return ChatRouter(index, settings)


def assert_quotes_verbatim(answer: Answer) -> None:
    assert answer.citations
    assert all(quote_is_verbatim(c.quote, c.chunk.text) for c in answer.citations)


class TestOfflineRouting:
    def test_policy_question_is_answered_by_qa(self, chat: ChatRouter, knowledge_index: KnowledgeIndex) -> None:
        question = "上海高校科技成果转让净收入给研发团队的奖励不低于多少？"
        answer = chat.answer(question, PUBLIC)
        assert answer.intent == "policy_question" and answer.grounded
        assert answer.text == QuestionAnswerer(knowledge_index, chat.qa.settings).answer(question, PUBLIC).text

    def test_follow_up_is_rewritten_with_the_conversation(self, chat: ChatRouter) -> None:
        answer = chat.answer("那上海呢？", PUBLIC, history=[PREVIOUS])
        assert "上海" in answer.query and "转让" in answer.query
        assert "70%" in answer.text and not answer.notice

    @pytest.mark.parametrize("turn", ["红烧肉怎么做才不油腻？", "最近有什么好看的电影推荐？"])
    def test_out_of_scope_is_refused(self, chat: ChatRouter, turn: str) -> None:
        answer = chat.answer(turn, PUBLIC)
        assert not answer.grounded and answer.intent == "out_of_scope" and not answer.citations

    def test_an_over_long_question_is_refused_whole_with_its_length(self, chat: ChatRouter) -> None:
        question = "赋权改革后成果转化收益怎么分？" * 400  # 5,600 characters, the last part would be lost if cut
        with pytest.raises(QueryTooLongError, match=f"问题过长（{len(question)} 字），最多 {MAX_QUERY_CHARS} 字"):
            chat.answer(question, PUBLIC)

    def test_small_talk_gets_a_greeting(self, chat: ChatRouter) -> None:
        answer = chat.answer("你好", PUBLIC)
        assert answer.intent == "small_talk" and "科转助手" in answer.text and not answer.citations

    def test_matching_request_is_answered_by_the_matcher(self, chat: ChatRouter) -> None:
        answer = chat.answer("我们需要一种能让电池在高温下不鼓包的隔膜技术", PUBLIC)
        assert answer.intent == "matching_request" and "「供需匹配」页面" in answer.notice
        assert answer.citations[0].chunk.doc_type is DocType.PATENT and "隔膜" in answer.citations[0].chunk.title
        assert_quotes_verbatim(answer)

    def test_a_need_nothing_fits_gets_no_match_and_next_steps(self, chat: ChatRouter) -> None:
        answer = chat.answer("冷冻水饺运到外地经常化掉又冻上，粘成一坨，帮我匹配能解决的技术", PUBLIC)
        assert answer.intent == "matching_request" and answer.text.startswith("知识库中暂无合适成果")
        assert "技术交易平台" in answer.text and not answer.citations

    def test_matches_show_confidence_holder_price_and_contact(self, chat: ChatRouter) -> None:
        answer = chat.answer("我们需要一种能让电池在高温下不鼓包的隔膜技术，预算50万以内", PUBLIC)
        first = answer.text.splitlines()[2]  # after 「理解为…」 and the heading
        assert answer.text.startswith("理解为：预算≤50万元")
        assert "可信度" in first and "权利人：" in first and "意向价格：" in first and "技术转移办公室" in first

    def test_patent_to_enterprises_request(self, chat: ChatRouter) -> None:
        answer = chat.answer("CN202310900014.8 这个专利可以找哪些企业？", OFFICER)
        assert answer.intent == "matching_request" and answer.text.startswith("可能匹配的企业需求")
        assert answer.citations[0].chunk.doc_id == "D-A001"

    def test_reward_question_is_answered_by_the_calculator_with_its_steps(self, chat: ChatRouter) -> None:
        answer = chat.answer("在上海把专利以200万转让，扣除评估费10万，团队至少拿多少？", PUBLIC)
        assert answer.intent == "reward_calculation" and "「奖励测算」页面" in answer.notice
        assert "团队至少 950,000元（95万元）" in answer.text and "1,330,000元" in answer.text
        cited = {c.chunk.doc_id for c in answer.citations}
        assert {"CN-TL-45-1", "SH-TC-34-1", "SH-TC-34-4"} <= cited
        assert_quotes_verbatim(answer)

    def test_paper_next_month_gets_the_timeline(self, chat: ChatRouter) -> None:
        answer = chat.answer("论文下个月发表，还来得及申请专利吗？", PUBLIC)
        assert answer.intent == "disclosure_timeline" and "尚未公开" in answer.text
        assert answer.text.startswith("按今天") and "计算：" not in answer.text  # the verdict is the first sentence
        assert {"CN-PL-22", "CN-PL-24"} <= {c.chunk.doc_id for c in answer.citations}
        assert_quotes_verbatim(answer)

    def test_an_undated_publication_asks_the_rule_not_a_timeline(self, chat: ChatRouter) -> None:
        answer = chat.answer("打算先在国际展览会上展出再申请专利，有宽限期吗？", PUBLIC)
        assert answer.intent != "disclosure_timeline" and "按今天" not in answer.text

    def test_disclosure_help_answers_and_points_to_the_workflow(self, chat: ChatRouter) -> None:
        answer = chat.answer("帮我写一份职务科技成果披露", PUBLIC)
        assert answer.intent == "disclosure_help" and answer.grounded and "「成果披露」页面" in answer.notice

    def test_agency_requests_name_whitelisted_agencies_only(
        self, chat: ChatRouter, knowledge_index: KnowledgeIndex
    ) -> None:
        flags = {a.id: a.whitelisted for a in list_agencies(knowledge_index, PUBLIC)}
        for turn in ("推荐几家做专利价值评估的服务机构", "有没有做专利代理的机构", "推荐杭州的知识产权服务机构"):
            answer = chat.answer(turn, PUBLIC)
            cited = [c.chunk.doc_id for c in answer.citations if c.chunk.doc_type is DocType.AGENCY]
            assert answer.intent == "agency_lookup" and cited and all(flags[doc_id] for doc_id in cited), turn

    def test_briefing_request_shows_progress_then_the_briefing(self, chat: ChatRouter) -> None:
        *shown, answer = chat.stream("帮我生成一份人工智能领域可转化成果的简报", OFFICER)
        assert shown[0] == BRIEFING_PROGRESS and BRIEFING_PROGRESS not in answer.text  # shown while it works
        assert isinstance(answer, Answer) and answer.intent == "briefing_request" and answer.grounded
        assert answer.text.startswith("**人工智能领域可转化成果简报**") and "建议行动" in answer.text
        assert "「简报生成」页面" in answer.notice and answer.query == "人工智能领域可转化成果"
        assert_quotes_verbatim(answer)
        how_to = chat.answer("怎么生成简报？", OFFICER)  # a how-to question is not a request
        assert how_to.intent == "briefing_request" and "建议行动" not in how_to.text


ENTERPRISE = Audience(Role.ENTERPRISE)


class TestIssue11Routing:
    """Enterprise technology questions, criteria questions and follow-ups (issue #11)."""

    def test_an_enterprise_technology_question_is_answered_with_patents_and_their_terms(self, chat: ChatRouter) -> None:
        answer = chat.answer("有没有能解决锂电池低温续航的技术？", ENTERPRISE)
        assert answer.intent == "technology_search" and answer.grounded
        assert answer.citations and all(c.chunk.doc_type is DocType.PATENT for c in answer.citations)
        first = answer.text.splitlines()[1]
        assert all(label in first for label in ("权利人", "合作方式", "意向价格", "成熟度")), first
        assert "我们需要" not in answer.text  # never another enterprise's demand
        assert_quotes_verbatim(answer)

    def test_a_whitelist_criteria_question_gets_the_six_criteria_not_a_recommendation(self, chat: ChatRouter) -> None:
        answer = chat.answer("创新券服务机构白名单是按什么标准评的？", ENTERPRISE)
        assert answer.grounded and "推荐机构" not in answer.text
        assert all(c.chunk.doc_type in (DocType.POLICY, DocType.FAQ) for c in answer.citations)
        # the passage that lists the six criteria is the evidence (how much of it leads is the composer's job)
        assert any("服务频率" in c.chunk.text and "诚信记录" in c.chunk.text for c in answer.citations)

    def test_where_an_enterprise_starts_names_the_technology_transfer_office(self, chat: ChatRouter) -> None:
        answer = chat.answer("想和高校合作开发新产品，应该找学校的哪个部门？", ENTERPRISE)
        assert answer.grounded and "技术转移" in answer.text
        assert not any(c.chunk.doc_type is DocType.DEMAND for c in answer.citations)

    def test_asking_where_to_find_technologies_is_answered_from_policies_not_demands(self, chat: ChatRouter) -> None:
        answer = chat.answer("我们是制造企业，想找高校的现成技术，可以去哪里找？", ENTERPRISE)
        assert answer.grounded and answer.citations
        assert all(c.chunk.doc_type in (DocType.POLICY, DocType.FAQ) for c in answer.citations)

    def test_an_elliptical_follow_up_after_a_refused_turn_takes_the_answered_subject(self, chat: ChatRouter) -> None:
        answered = chat.answer("学校想把一批授权专利做开放许可，要走哪些步骤？", OFFICER)
        refused = chat.answer("红烧肉怎么做才不油腻？", OFFICER)
        assert answered.grounded and not refused.grounded
        answer = chat.answer("需要多长时间？", OFFICER, history=history_of([answered, refused]))
        assert "开放许可" in answer.query and "红烧肉" not in answer.query and answer.grounded


class TestLLMRouting:
    def test_follow_up_condensed_by_the_model(self, knowledge_index: KnowledgeIndex, openai_stub: OpenAIStub) -> None:
        answer = llm_chat(knowledge_index, openai_stub).answer("那上海呢？", PUBLIC, history=[PREVIOUS])
        assert answer.query.startswith("上海") and "净收入" in answer.query
        assert any("最新追问" in str(r["messages"]) for r in openai_stub.state.requests)

    def test_failed_condense_falls_back_to_the_offline_rewrite_and_says_so(
        self, knowledge_index: KnowledgeIndex, openai_stub: OpenAIStub
    ) -> None:
        openai_stub.state.mode = "error"
        answer = llm_chat(knowledge_index, openai_stub).answer("那上海呢？", PUBLIC, history=[PREVIOUS])
        assert answer.query == "上海" + PREVIOUS  # the offline rewrite
        assert "离线改写" in answer.notice and "离线抽取" in answer.notice  # both fallbacks are named
        assert answer.mode == "extractive" and "70%" in answer.text
