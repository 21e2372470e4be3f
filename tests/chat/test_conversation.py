"""Follow-up rewriting offline (the LLM condense is tested through the router, on the stub server)."""

from __future__ import annotations

from assistant.chat.conversation import is_follow_up, rewrite_follow_up, standalone

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
