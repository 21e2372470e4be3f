"""Follow-up rewriting offline (the LLM condense is tested through the router, on the stub server)."""

from __future__ import annotations

import pytest

from assistant.chat.conversation import history_of, is_elliptical, is_follow_up, rewrite_follow_up, standalone
from assistant.records import Answer

PREVIOUS = "转让净收入奖励研发团队的比例最低是多少？"


def test_a_slot_term_replaces_the_one_of_the_same_kind() -> None:
    assert rewrite_follow_up("那作价投资呢？", [PREVIOUS]) == "作价投资净收入奖励研发团队的比例最低是多少？"


def test_a_term_without_a_counterpart_is_added() -> None:
    assert rewrite_follow_up("那上海呢？", [PREVIOUS]) == "上海" + PREVIOUS


def test_only_short_leaning_turns_are_follow_ups() -> None:
    assert is_follow_up("那上海呢？")
    assert not is_follow_up("上海高校科技成果转让净收入给研发团队的奖励不低于多少？")
    assert rewrite_follow_up("赋权试点怎么申请？", [PREVIOUS]) == "赋权试点怎么申请？"


def test_standalone_offline_keeps_a_standalone_turn_and_rewrites_a_follow_up() -> None:
    assert standalone("赋权试点怎么申请？", [PREVIOUS], None).text == "赋权试点怎么申请？"
    rewritten = standalone("那上海呢？", [PREVIOUS], None)
    assert rewritten.text == "上海" + PREVIOUS and rewritten.by == "离线改写" and not rewritten.notice


OPEN_LICENCE = "学校想把一批授权专利做开放许可，具体要走哪些步骤？"


@pytest.mark.parametrize(
    ("turn", "previous", "subject"),
    [
        ("需要多长时间？", OPEN_LICENCE, "开放许可"),
        ("要交什么材料？", "赋权的步骤是什么？", "赋权"),
        ("那要交什么材料呢？", "赋权怎么申请？", "赋权"),
        ("还有效吗？", "上海市促进科技成果转化条例什么时候施行？", "上海市促进科技成果转化条例"),
    ],
)
def test_a_turn_that_only_asks_takes_the_previous_subject_and_keeps_its_own_ask(
    turn: str, previous: str, subject: str
) -> None:
    assert is_follow_up(turn)
    rewritten = rewrite_follow_up(turn, [previous])
    ask = turn.removeprefix("那").removesuffix("？").removesuffix("呢")
    assert subject in rewritten and ask in rewritten
    assert "步骤" not in rewritten.replace(ask, "")  # the previous ask is not carried over


@pytest.mark.parametrize("region", ["浙江", "山东", "深圳", "新疆维吾尔自治区", "内蒙古", "广州", "香港"])
def test_every_province_and_major_city_swaps_the_region(region: str) -> None:
    rewritten = rewrite_follow_up(f"那{region}呢？", ["北京市规定科技成果转让的奖励比例不低于多少？"])
    assert rewritten == f"{region}规定科技成果转让的奖励比例不低于多少？"


def test_a_region_with_a_new_ask_keeps_the_subject() -> None:
    rewritten = rewrite_follow_up("浙江需要多久？", ["协议定价要公示多久？"])
    assert rewritten.startswith("浙江协议定价") and rewritten.endswith("需要多久？")


@pytest.mark.parametrize("turn", ["赋权试点怎么申请？", "明天会下雨吗？", "协议定价要公示多久？", "红烧肉怎么做？"])
def test_a_turn_with_its_own_subject_is_not_a_follow_up(turn: str) -> None:
    assert not is_elliptical(turn)
    assert rewrite_follow_up(turn, [OPEN_LICENCE]) == turn


def test_a_refused_turn_is_not_history_so_it_does_not_poison_the_next_rewrite() -> None:
    answered = Answer("……", query=OPEN_LICENCE)
    refused = Answer("知识库中没有找到……", grounded=False, query="红烧肉怎么做才不油腻？")
    greeting = Answer("您好！", intent="small_talk", grounded=False)
    history = history_of([answered, refused, greeting])
    assert history == [OPEN_LICENCE]
    assert "开放许可" in standalone("需要多长时间？", history, None).text
