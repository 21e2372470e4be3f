"""Turning a follow-up ("那上海呢？", "作价投资的呢？") into a standalone question.

Offline, the follow-up's terms replace the terms of the same kind in the previous
question (region for region, transfer mode for transfer mode) or are added to it; the
subject and policy terms of the earlier turn carry forward. With an LLM, a condense
prompt does the same job (``generate/llm.py``); the offline rewrite stays the fallback,
and a fallback is reported like every other model failure.

Usage example::

    rewrite_follow_up("那上海呢？", ["转让净收入奖励研发团队的比例最低是多少？"])
    # '上海转让净收入奖励研发团队的比例最低是多少？'
    standalone("那上海呢？", ["转让净收入奖励研发团队的比例最低是多少？"], llm=None).text   # the same
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.generate.llm import Generated, LLMComposer, checked_generation

__all__ = ["SLOTS", "is_follow_up", "rewrite_follow_up", "standalone"]

# Terms that a follow-up typically swaps, by kind. Longer terms first within a kind.
SLOTS: dict[str, tuple[str, ...]] = {
    "region": (
        "上海市",
        "上海",
        "北京市",
        "北京",
        "浦东新区",
        "浦东",
        "长三角",
        "全国",
        "国家层面",
        "国家",
        "本市",
        "深圳",
    ),
    "mode": ("作价投资", "作价入股", "开放许可", "自行实施", "合作实施", "技术入股", "转让", "许可"),
    "body": ("高等院校", "高校", "研发机构", "科研院所", "医疗卫生机构", "国有企业", "企业"),
    "ip": ("发明专利", "实用新型", "外观设计", "软件著作权", "技术秘密", "植物新品种"),
    "person": ("主要贡献人员", "研发团队", "完成人", "领导", "技术经理人"),
}
FOLLOW_UP = re.compile(r"^(那|那么|如果|还有|另外|换成|要是)|呢[？?。!！]*$|的话[？?]*$")
FILLER = re.compile(r"^(那么|那|如果是|如果|还有|另外|换成|要是)|(的呢|呢|吗|的话|怎么样|怎样|如何)?[？?。!！，,\s]*$")
MAX_FOLLOW_UP_CHARS = 20


def is_follow_up(question: str) -> bool:
    """A short turn that leans on the previous one ("那…呢？")."""
    return len(question) <= MAX_FOLLOW_UP_CHARS and bool(FOLLOW_UP.search(question.strip()))


def rewrite_follow_up(question: str, history: Sequence[str]) -> str:
    """The standalone form of ``question`` given earlier standalone questions (oldest first)."""
    if not history or not is_follow_up(question):
        return question
    previous = history[-1]
    core = FILLER.sub("", FILLER.sub("", question.strip())).strip()
    rewritten = previous
    matched = False
    for terms in SLOTS.values():
        new = next((t for t in terms if t in core), None)
        if new is None:
            continue
        matched = True
        old = next((t for t in terms if t in rewritten), None)
        rewritten = rewritten.replace(old, new, 1) if old else new + rewritten
    if not matched and core:
        rewritten = f"{core} {previous}"
    return rewritten


def standalone(question: str, history: Sequence[str], llm: LLMComposer | None) -> Generated:
    """The question to search for this turn: a follow-up rewritten with the conversation, else the turn itself.

    :param history: earlier standalone questions, oldest first.
    :param llm: rewrites with the model when given; the offline rewrite is its fallback.
    :returns: the question, who wrote it, and a notice when the model's rewrite was not used.
    """
    if not history or not is_follow_up(question):
        return Generated(question, "用户")
    offline = Generated(rewrite_follow_up(question, history), "离线改写")
    if llm is None:
        return offline
    return checked_generation(lambda: llm.condense(question, history), lambda text: text, offline, by=llm.name)
