"""Turning a follow-up ("那上海呢？", "作价投资的呢？") into a standalone question.

Offline, the follow-up's terms replace the terms of the same kind in the previous
question (region for region, transfer mode for transfer mode) or are added to it; the
subject and policy terms of the earlier turn carry forward. A turn that only asks
("需要多长时间？", "要交什么材料？", "浙江需要多久？") is elliptical: it takes the previous
question's subject, with the previous ask replaced by its own. Only answered turns are
history (:func:`history_of`): a refused turn never becomes the subject of the next one. With an LLM, a condense
prompt does the same job (``generate/llm.py``); the offline rewrite stays the fallback,
and a fallback is reported like every other model failure.

Usage example::

    rewrite_follow_up("那上海呢？", ["转让净收入奖励研发团队的比例最低是多少？"])
    # '上海转让净收入奖励研发团队的比例最低是多少？'
    rewrite_follow_up("需要多长时间？", ["开放许可要走哪些步骤？"])   # '开放许可，需要多长时间？'
    standalone("那上海呢？", ["转让净收入奖励研发团队的比例最低是多少？"], llm=None).text   # the same
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.generate.llm import Generated, LLMComposer, checked_generation
from assistant.jurisdiction import PLACE_NAMES
from assistant.records import Answer

__all__ = ["SLOTS", "history_of", "is_elliptical", "is_follow_up", "rewrite_follow_up", "standalone"]

# Terms that a follow-up typically swaps, by kind. Longer terms first within a kind.
SLOTS: dict[str, tuple[str, ...]] = {
    "region": PLACE_NAMES,
    "mode": ("作价投资", "作价入股", "开放许可", "自行实施", "合作实施", "技术入股", "转让", "许可"),
    "body": ("高等院校", "高校", "研发机构", "科研院所", "医疗卫生机构", "国有企业", "企业"),
    "ip": ("发明专利", "实用新型", "外观设计", "软件著作权", "技术秘密", "植物新品种"),
    "person": ("主要贡献人员", "研发团队", "完成人", "领导", "技术经理人"),
}
FOLLOW_UP = re.compile(r"^(那|那么|如果|还有|另外|换成|要是)|呢[？?。!！]*$|的话[？?]*$")
FILLER = re.compile(r"^(那么|那|如果是|如果|还有|另外|换成|要是)|(的呢|呢|吗|的话|怎么样|怎样|如何)?[？?。!！，,\s]*$")
MAX_FOLLOW_UP_CHARS = 20
LEAD = re.compile(r"^(那么|那)")
TRAIL = re.compile(r"(的呢|呢)?[？?。!！，,\s]*$")
# The words a turn asks with (what, how long, which materials, who…), as opposed to its subject.
ASK_WORDS = re.compile(
    r"多长时间|多少时间|多久|几年|几个月|几天|什么时候|何时|哪天|截止|期限|时限|"
    r"多少钱|多少|几成|比例|金额|费用|"
    r"什么材料|哪些材料|材料|证明|"
    r"哪些步骤|什么步骤|步骤|流程|程序|手续|环节|"
    r"怎么办理|怎么办|怎么做|怎么弄|怎么申请|如何申请|怎么操作|怎么走|怎么|如何|怎样|"
    r"什么条件|条件|要求|标准|依据|"
    r"哪个部门|什么部门|找谁|谁|哪里|哪儿|"
    r"是什么|是多少|有哪些|有什么|哪些|什么|"
    r"能不能|可不可以|可以吗|可以|行不行|有没有|是否|"
    r"具体|一般|大概|大约|通常|一共|总共|最少|至少|最低|最多|最长|最短|"
    r"需要|需|要|得|应该|应当|必须|还|又|也|"
    r"提交|交|准备|要走|走|办|"
    r"有效|"
    r"[那吗呢吧啊呀了的]"
)
PUNCTUATION = re.compile(r"[？?。!！，,、；;：:\s]")


def _bare(text: str) -> str:
    """``text`` without its ask words, region and slot terms, and punctuation: its subject, if any."""
    for terms in SLOTS.values():
        for term in terms:
            text = text.replace(term, "")
    return PUNCTUATION.sub("", ASK_WORDS.sub("", text))


def is_elliptical(question: str) -> bool:
    """A short turn that only asks, without a subject of its own ("需要多长时间？", "浙江需要多久？")."""
    text = question.strip()
    return len(text) <= MAX_FOLLOW_UP_CHARS and bool(ASK_WORDS.search(text)) and len(_bare(text)) <= 1


def is_follow_up(question: str) -> bool:
    """A short turn that leans on the previous one ("那…呢？", or one that only asks)."""
    text = question.strip()
    return (len(text) <= MAX_FOLLOW_UP_CHARS and bool(FOLLOW_UP.search(text))) or is_elliptical(text)


def _subject(question: str) -> str:
    """The previous question without its ask: "开放许可要走哪些步骤？" → "开放许可"."""
    kept = ASK_WORDS.sub("", question)
    return re.sub(r"^[，,、；;\s]+|[？?。!！，,、；;：:\s的]+$", "", kept)


def _swap(previous: str, core: str) -> tuple[str, bool]:
    """``previous`` with each slot term of ``core`` in place of its own kind (or added); and whether any was."""
    rewritten, matched = previous, False
    for terms in SLOTS.values():
        new = next((t for t in terms if t in core), None)
        if new is None:
            continue
        matched = True
        old = next((t for t in terms if t in rewritten), None)
        rewritten = rewritten.replace(old, new, 1) if old else new + rewritten
    return rewritten, matched


def rewrite_follow_up(question: str, history: Sequence[str]) -> str:
    """The standalone form of ``question`` given earlier standalone questions (oldest first)."""
    if not history or not is_follow_up(question):
        return question
    previous = history[-1]
    core = FILLER.sub("", FILLER.sub("", question.strip())).strip()
    rewritten, matched = _swap(previous, core)
    ask = LEAD.sub("", TRAIL.sub("", question.strip()))
    for terms in SLOTS.values():
        for term in terms:
            ask = ask.replace(term, "")
    ask = ask.strip("，, ")
    if ask and ASK_WORDS.search(ask) and len(_bare(ask)) <= 1:  # a new ask for the old subject
        return f"{_subject(rewritten)}，{ask}？"
    if matched:
        return rewritten
    return f"{core} {previous}" if core else previous


def history_of(answers: Iterable[Answer]) -> list[str]:
    """The standalone questions a follow-up may lean on: those of answered turns, oldest first.

    A refused or out-of-scope turn, a greeting, or a turn with no query is left out, so the
    next follow-up takes its subject from the last question that was answered.
    """
    return [a.query for a in answers if a.grounded and a.query]


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
