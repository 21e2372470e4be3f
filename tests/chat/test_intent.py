"""The intent rules on their own: which workflow a turn names, and whether it asks it to run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assistant.chat.intent import (
    DEFAULT_BRIEFING_TOPIC,
    Intent,
    briefing_topic,
    classify,
    is_request,
    patent_number,
    reward_question,
    timeline_question,
)


@pytest.mark.parametrize(
    ("turn", "intent"),
    [
        ("你好", Intent.SMALL_TALK),
        ("帮我写一份职务科技成果披露", Intent.DISCLOSURE_HELP),
        ("帮我生成一份人工智能领域的简报", Intent.BRIEFING_REQUEST),
        ("我们需要一种耐高温的电池隔膜技术", Intent.MATCHING_REQUEST),
        ("推荐几家做专利价值评估的服务机构", Intent.AGENCY_LOOKUP),
        ("有没有储能方面的专利", Intent.TECHNOLOGY_SEARCH),
        ("赋权试点后我能拿到多少收益？", Intent.POLICY_QUESTION),
        ("红烧肉怎么做才不油腻？", Intent.OUT_OF_SCOPE),
        ("在上海把专利以200万转让，扣除评估费10万，团队至少拿多少？", Intent.REWARD_CALCULATION),
        ("论文下个月发表，还来得及申请专利吗？", Intent.DISCLOSURE_TIMELINE),
        ("上海高校转让成果的奖励比例是多少？", Intent.POLICY_QUESTION),  # no amount: a policy question
    ],
)
def test_classify(turn: str, intent: Intent) -> None:
    assert classify(turn) is intent


@pytest.mark.parametrize(
    ("turn", "asks_to_run"),
    [
        ("我们需要一种耐高温的电池隔膜技术", True),
        ("企业怎么发布技术需求？", False),  # how matching works: a policy question
        ("推荐几家做专利价值评估的服务机构", True),
        ("白名单机构是怎么评出来的？", False),
        ("帮我生成一份人工智能领域的简报", True),
        ("怎么生成简报？", False),
    ],
)
def test_is_request_tells_requests_from_how_to_questions(turn: str, asks_to_run: bool) -> None:
    assert is_request(classify(turn), turn) is asks_to_run


def test_is_request_is_false_for_questions_and_disclosure_help() -> None:
    assert not is_request(Intent.POLICY_QUESTION, "赋权试点后我能拿到收益")
    assert not is_request(Intent.DISCLOSURE_HELP, "帮我写一份披露")  # answered from policies, with a hint


def test_briefing_topic_drops_the_request_words() -> None:
    assert briefing_topic("帮我生成一份人工智能领域可转化成果的简报") == "人工智能领域可转化成果"
    assert briefing_topic("生成简报") == DEFAULT_BRIEFING_TOPIC


def test_patent_number_is_normalised() -> None:
    assert patent_number("cn 202310900014.8 这个专利可以找哪些企业？") == "CN202310900014.8"
    assert patent_number("这个专利可以找哪些企业？") is None


@pytest.mark.parametrize(
    ("turn", "intent", "asks_to_run"),
    [
        # criteria and standards are policy questions, even about the whitelist
        ("创新券服务机构白名单是按什么标准评的？", Intent.AGENCY_LOOKUP, False),
        ("白名单机构要满足哪些条件？", Intent.AGENCY_LOOKUP, False),
        # a request for names runs the recommender, however it is phrased
        ("能推荐几家做专利评估的白名单机构吗？", Intent.AGENCY_LOOKUP, True),
        # an enterprise's technical problem is a search for technologies
        ("有没有能解决锂电池低温续航的技术？", Intent.TECHNOLOGY_SEARCH, True),
        # where to go is a policy question, not a matching request
        ("我们是制造企业，想找高校的现成技术，可以去哪里找？", Intent.MATCHING_REQUEST, False),
        ("想和高校合作开发新产品，应该找学校的哪个部门？", Intent.POLICY_QUESTION, False),
        # policy terms after 成果/技术 are not a technology search
        ("高校有哪些成果转化方式？", Intent.POLICY_QUESTION, False),
        ("有没有技术经理人的培养政策？", Intent.POLICY_QUESTION, False),
    ],
)
def test_routing_of_criteria_recommendations_and_technology_questions(
    turn: str, intent: Intent, asks_to_run: bool
) -> None:
    assert classify(turn) is intent
    assert is_request(intent, turn) is asks_to_run


class TestComputationQuestions:
    def test_reward_question_reads_mode_amounts_and_region(self) -> None:
        request = reward_question("在上海把专利以200万转让，扣除评估费10万，团队至少拿多少？")
        assert request is not None
        assert (request.mode, request.income, request.costs, request.region) == (
            "转让",
            Decimal(2_000_000),
            Decimal(100_000),
            "上海",
        )

    def test_reward_question_reads_a_units_share_and_equity(self) -> None:
        request = reward_question("以专利作价1.5亿入股，学校规定团队80%，团队能分多少？")
        assert request is not None
        assert (request.mode, request.income, request.costs, request.unit_share) == (
            "作价投资",
            Decimal(150_000_000),
            None,
            Decimal(80),
        )

    def test_reward_question_without_an_amount_is_none(self) -> None:
        assert reward_question("转让以后团队能拿多少？") is None

    @pytest.mark.parametrize(
        ("turn", "kind", "status", "day"),
        [
            ("论文下个月发表，还来得及申请专利吗？", "期刊论文", "已投稿", date(2026, 1, 1)),
            ("两个月前在学术会议上报告过了，还能申请专利吗？", "会议报告", "已报告", date(2025, 10, 2)),
            ("论文已录用，2026年3月15日上线，还来得及申请专利吗？", "期刊论文", "已录用", date(2026, 3, 15)),
        ],
    )
    def test_timeline_question(self, turn: str, kind: str, status: str, day: date) -> None:
        publication = timeline_question(turn, date(2025, 12, 2))
        assert (publication.kind, publication.status, publication.date) == (kind, status, day)
