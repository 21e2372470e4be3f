"""What a question asks for, and whether a passage gives it.

An officer answers 「多长时间内要向学校披露？」 with the deadline for disclosing, not with
the first deadline in sight; 「赋权要走哪些步骤？」 with the steps; 「什么是赋权？」 with the
definition. So the composer needs two things from a question: the *kind* of answer wanted
(a ratio, a deadline, steps, a definition, yes/no, who/where, a list, a date of effect) and
its *subject* (the terms left once the asking words are removed). A passage leads only if
it gives that kind of answer and is about that subject.

Usage example::

    asked = asked_for("多长时间内要向学校披露？")
    asked.kind                                               # Kind.DEADLINE
    answers_kind("完成人应当在3个月内向单位报告。", asked)       # True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ASKING_WORDS", "Asked", "Kind", "answers_kind", "asked_for", "mentions", "topic_terms"]


class Kind(StrEnum):
    """The kind of answer a question wants; GENERAL when no pattern says."""

    VALIDITY = "validity"  # 什么时候施行 / 还有效吗
    RATIO = "ratio"
    AMOUNT = "amount"
    DEADLINE = "deadline"
    COUNT = "count"
    STEPS = "steps"
    DEFINITION = "definition"
    WHO = "who"
    LIST = "list"
    YES_NO = "yes_no"
    GENERAL = "general"


# The first pattern that matches decides; more specific kinds come first.
ASKS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        Kind.VALIDITY,
        re.compile(
            r"施行|(?:何时|什么时候|哪天|哪一?年|几号)(?:开始)?生效|生效(?:日期|时间)|有效吗|还有效|是否有效|废止|失效了|"
            r"什么时候(?:开始)?(?:实施|执行)|哪一?年(?:出台|颁布)"
        ),
    ),
    (Kind.RATIO, re.compile(r"比例|百分|比率|几成|百分之")),
    (Kind.AMOUNT, re.compile(r"金额|多少钱|费用|奖金|额度|价格|元|花多少|总额")),
    (
        Kind.DEADLINE,
        re.compile(r"何时|什么时候|哪天|期限|多久|多长时间|截止|日期|时限|年限|几年|几个月|几天|多少天|时间内"),
    ),
    (Kind.RATIO, re.compile(r"不低于|不少于|最低|最高|上限|下限")),
    (
        Kind.STEPS,
        re.compile(
            r"步骤|流程|程序|怎么办|如何办理|怎么做|怎样做|怎么操作|手续|怎么申请|如何申请|怎么披露|如何披露|怎么走|办理|"
            r"顺序|先后|先.{1,12}还是"
        ),
    ),
    (Kind.DEFINITION, re.compile(r"什么是|是什么意思|是指什么|指什么|含义|定义|是什么")),
    (Kind.WHO, re.compile(r"谁|哪个部门|哪个机构|哪些部门|哪里|找谁|向谁|由谁|哪家")),
    (Kind.COUNT, re.compile(r"多少|几[个项家次条种]|数量")),
    (
        Kind.LIST,
        re.compile(
            r"哪些|包括什么|包含什么|有什么|几种|哪几|哪[一二三四五六七八九十两\d]+[项个种条类]|怎么写|如何写|写什么|写哪些"
        ),
    ),
    (Kind.YES_NO, re.compile(r"能不能|可不可以|能否|是否|可以吗|行不行|要不要|需不需要|吗[？?]?$|有没有")),
)
# What a passage giving each kind of answer contains.
GIVES: dict[Kind, re.Pattern[str]] = {
    Kind.VALIDITY: re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*起?施行|起施行|施行|废止|有效"),
    Kind.RATIO: re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之|[一二三四五六七八九]成"),
    Kind.AMOUNT: re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?元"),
    Kind.DEADLINE: re.compile(
        r"\d+\s*(?:年|个月|月|日|天|个工作日)|[一二三四五六七八九十两]+(?:年|个月|日|天|个工作日)|及时|立即|天数|期限|完成后"
    ),
    Kind.COUNT: re.compile(r"\d"),
    Kind.STEPS: re.compile(r"步|流程|程序|环节|首先|然后|先.{1,20}再|提交|申请|签订|办理|备案|报告|评估|公示|审批"),
    Kind.DEFINITION: re.compile(
        r"是指|指的是|即|^[^，。；]{1,15}?(?<!不)(?<!就)是(?!否)|是.{2,30}的(?:成果|活动|制度|方式|行为|机构)"
    ),
    Kind.WHO: re.compile(
        r"部门|机构|中心|办公室|办|委员会|主管|负责|交给|局|法院|属于|向.{1,12}(?:报告|提出|申请|提交|起诉)"
    ),
    Kind.LIST: re.compile(r"[：:]|、.*、|包括|以下"),
    Kind.YES_NO: re.compile(
        r"^(?:要|不要|能|不能|可以|不可以|应当|不得|需要|不需要|是|不是|有|没有)[。，,；]|可以|不得|应当|无需|不需|必须|不能|不会|不属于|属于|不丧失"
    ),
}
# Words that ask rather than name the subject; removed before measuring what a passage is about.
ASKING_WORDS = frozenset(
    [
        "多少",
        "多长",
        "时间",
        "什么",
        "时候",
        "怎么",
        "怎样",
        "如何",
        "哪些",
        "哪个",
        "哪里",
        "是否",
        "能否",
        "可以",
        "能不能",
        "可不可以",
        "需要",
        "要",
        "规定",
        "一般",
        "一项",
        "一件",
        "具体",
        "最低",
        "最高",
        "不低于",
        "低于",
        "不少",
        "不少于",
        "比例",
        "几年",
        "期限",
        "步骤",
        "流程",
        "程序",
        "办理",
        "是",
        "有",
        "吗",
        "呢",
        "的",
        "了",
        "和",
        "与",
        "及",
        "我",
        "我们",
        "你",
        "现在",
        "还",
        "还有",
        "知道",
        "请问",
        "问",
        "一下",
        "情况",
        "问题",
        "内",
        "之内",
        "以内",
        "以前",
        "之前",
        "多久",
        "时限",
        "标准",
        "方面",
        "哪",
        "谁",
        "向",
        "对",
        "在",
        "给",
        "以后",
        "之后",
        "必须",
        "应该",
        "到底",
        "意思",
        "听说",
        "怎么办",
        "签了",
        "长时间",
        "马上",
        "顺序",
        "处理",
        "多长时间",
    ]
)


@dataclass(frozen=True)
class Asked:
    """A question's kind of answer and its subject terms."""

    kind: Kind
    subject: tuple[str, ...]
    also: tuple[Kind, ...] = ()  # what else it asks (「需求该怎么写、发到哪里？」: a list, then where)


def topic_terms(tokens: list[str]) -> tuple[str, ...]:
    """The subject terms among a question's tokens: asking words and single characters removed."""
    seen: list[str] = []
    for token in tokens:
        if len(token) >= 2 and token not in ASKING_WORDS and token not in seen:
            seen.append(token)
    return tuple(seen)


QUOTED = re.compile(r"[“「『\"]([^”」』\"]{2,12})[”」』\"]")


def _asking_clause(question: str) -> str:
    """The clause that asks: the one ending at the first 「？」 (「谈好了价格，…要走哪些程序？」 asks for steps)."""
    asking = re.split(r"[？?]", question, maxsplit=1)[0]
    return re.split(r"[，,。；;：:]", asking)[-1]


def asked_for(question: str, tokens: list[str] | None = None) -> Asked:
    """The kind of answer ``question`` wants, and its subject (from ``tokens``, the question's terms)."""
    clause = _asking_clause(question)
    parts = [_kind(part) for part in clause.split("、")]
    if re.search(r"[吗么]\s*$", clause) and not re.search(r"多少|多久|多长|几|比例|什么时候", clause):
        parts = [Kind.YES_NO]  # 「手续以后再补吗？」 wants yes or no, whatever it names
    kinds = [k for k in dict.fromkeys(parts) if k is not None]
    kind = kinds[0] if kinds else (_kind(question) or Kind.GENERAL)
    terms = topic_terms(tokens or [])
    quoted = QUOTED.findall(question)
    if kind is Kind.DEFINITION and quoted:  # 「课题组“赋权”是什么意思？」 defines 赋权, not 课题组
        terms = tuple(dict.fromkeys([*quoted, *(t for t in terms if any(t in q for q in quoted))]))
    return Asked(kind, terms, tuple(kinds[1:]))


def _kind(text: str) -> Kind | None:
    return next((kind for kind, pattern in ASKS if pattern.search(text)), None)


# Within a kind, what states the answer outright (a number of days, 「没有规定具体天数」) beats what only
# touches it (「及时」, 「完成后」).
STRONG: dict[Kind, re.Pattern[str]] = {
    Kind.YES_NO: re.compile(  # the verdict first: 「不会，只要履约守信。」「在上海不是必须的。」
        r"^[^，。；]{0,6}?(?:不会|会|不能|能|不可以|可以|不要|要|不需要|需要|无需|不必|不用|不是必须|不是|是|没有|有|必须|不一定)"
        r"的?[。，,；！]"
    ),
    Kind.DEADLINE: re.compile(
        r"\d+\s*(?:年|个月|日|天|个工作日)|[一二三四五六七八九十两]+(?:年|个月|日|天|个工作日)|天数|期限"
    ),
}


# Kinds that ask for a figure, and what a passage says when the rules set none (an answer too).
QUANTITIES = frozenset({Kind.RATIO, Kind.AMOUNT, Kind.DEADLINE, Kind.COUNT})
NOT_SET = re.compile(r"没有规定具体|未规定具体|没有统一|没有法定的|没有可核实|没有找到可核实|未作规定|没有作出规定")


def answers_kind(text: str, asked: Asked, *, strongly: bool = False) -> bool:
    """Does ``text`` give the kind of answer asked for (a ratio for a ratio question …)? Always true for GENERAL.

    :param strongly: only what states it outright counts (for kinds that distinguish).
    """
    if asked.kind is Kind.DEFINITION and asked.subject:  # 「赋权是指…」: the subject, then what it is
        return any(re.search(re.escape(t) + r"[”」』]?(?:是指|指的是|就是|即|是(?!否))", text) for t in asked.subject)
    if asked.kind in QUANTITIES and NOT_SET.search(text):  # 「没有规定具体天数」 answers 「多长时间内？」 outright
        return True
    pattern = (STRONG.get(asked.kind) if strongly else None) or GIVES.get(asked.kind)
    return pattern is None or bool(pattern.search(text))


# Words a user says for the words the rules use: a passage about 报告 answers a question about 披露.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "披露": ("报告",),
    "学校": ("单位", "高校"),
    "大学": ("高校", "单位"),
    "奖金": ("奖励",),
    "卖": ("转让",),
    "公司": ("企业",),
}


def mentions(text: str, term: str) -> bool:
    """Does ``text`` mention ``term`` or a word the rules use for it?"""
    return term in text or any(word in text for word in SYNONYMS.get(term, ()))
