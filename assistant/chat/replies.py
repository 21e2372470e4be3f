"""One reply adapter per workflow: a task's result as a chat :class:`Answer` with citations.

The tasks return their own records (match results, agencies, briefings, answers); the chat
shows each as a short cited text plus a hint that names the full workflow (page or command),
because a chat reply shows the top few items only. Replies that need no task (a greeting, an
out-of-scope refusal) are here too, so every text the chat says on its own is in one file.

Usage example::

    result = Matcher(index).for_demand(text, audience=audience, k=ITEMS_IN_CHAT)
    reply = matches(result, to_demands=False, query=text, mode="extractive")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.chat.intent import Intent
from assistant.domain import Rule
from assistant.records import Answer, Citation
from assistant.tasks.agencies import ListedAgency
from assistant.tasks.briefing import Briefing
from assistant.tasks.match_card import CARD_LABELS
from assistant.tasks.matching import MatchResult
from assistant.tasks.rules import Reward, yuan
from assistant.tasks.timeline import Timeline
from assistant.text import split_sentences

__all__ = [
    "BRIEFING_PROGRESS",
    "ITEMS_IN_CHAT",
    "agencies",
    "briefing",
    "matches",
    "out_of_scope",
    "policy",
    "reward",
    "small_talk",
    "technologies",
    "timeline",
]

ITEMS_IN_CHAT = 3  # matches, agencies and actions shown in one reply; the hint names the full list
CHAT_CARD_FIELDS = (
    "holder",
    "enterprise",
    "maturity",
    "cooperation_modes",
    "asking_price",
    "budget",
    "contact",
)  # what a match card shows in chat
GREETING = (
    "您好！我是科转助手，可以解答科技成果转化的政策问题（披露、赋权、转化方式、收益分配等），"
    "检索样例专利、服务机构和企业需求，并给出处。请直接提问，例如：上海高校转让成果的奖励比例是多少？"
)
OUT_OF_SCOPE = (
    "这个问题超出了科转助手的范围。我只回答高校科技成果转化相关的问题，例如政策规定、专利转化、供需对接和服务机构。"
)
DISCLOSURE_HINT = "起草完整的披露摘要草稿（含相似专利、IPC 建议和需关注事项），请使用「成果披露」页面。"
MATCHING_HINT = "完整的匹配结果与评分明细，请使用「供需匹配」页面。"
TECHNOLOGY_LEAD = "以下专利可能解决这个技术问题（样例数据，仅供演示）："
AGENCY_HINT = "白名单身份以科技创新券白名单数据为准；按服务、领域、地区筛选请使用「服务机构」页面。"
BRIEFING_HINT = "含图表和资料来源的完整简报（Markdown / Word）请使用「简报生成」页面。"
REWARD_HINT = "换一种方式、地区或本单位比例重新测算，请使用「奖励测算」页面；具体比例以本单位制度或协议为准。"
TIMELINE_HINT = "按披露表中的全部公开记录和拟申请日期计算时间线，请使用「成果披露」页面；具体申请策略请咨询专利代理人。"
BRIEFING_PROGRESS = "正在统计记录、为需求匹配成果并检索政策要点，请稍候（全部存量约需半分钟）……"


def small_talk(mode: str) -> Answer:
    """A greeting that says what the assistant can do."""
    return Answer(GREETING, intent=Intent.SMALL_TALK.value, mode=mode, grounded=False)


def out_of_scope(query: str, mode: str) -> Answer:
    """A plain refusal for a turn outside technology transfer (no sources: none would be relevant)."""
    return Answer(OUT_OF_SCOPE, intent=Intent.OUT_OF_SCOPE.value, mode=mode, grounded=False, query=query)


def policy(answer: Answer, intent: Intent) -> Answer:
    """A Q&A answer under the turn's intent; disclosure help also points to the drafting workflow."""
    hint = DISCLOSURE_HINT if intent is Intent.DISCLOSURE_HELP and answer.grounded else ""
    return replace(answer, intent=intent.value, notice=answer.notice or hint)


def matches(result: MatchResult, *, to_demands: bool, query: str, mode: str) -> Answer | None:
    """The top matches with their confidence, holder, price and contact, each cited by its record.

    :param to_demands: the matches are enterprise demands for a patent (else technologies for a demand).
    """
    lead = "可能匹配的企业需求：" if to_demands else TECHNOLOGY_LEAD
    return _cards(result, lead=lead, query=query, mode=mode, intent=Intent.MATCHING_REQUEST)


def technologies(
    result: MatchResult, *, query: str, mode: str, intent: Intent = Intent.TECHNOLOGY_SEARCH
) -> Answer | None:
    """Technologies for an enterprise's problem: each patent with its confidence, holder, terms and price, cited.

    An enterprise asking for a technology gets the records that offer one, never another
    enterprise's demand (``None`` when nothing was found).
    """
    return _cards(result, lead=TECHNOLOGY_LEAD, query=query, mode=mode, intent=intent)


def _cards(result: MatchResult, *, lead: str, query: str, mode: str, intent: Intent) -> Answer | None:
    """What the matcher understood, then its verdict: next steps when nothing fits, else the top cards, cited."""
    if not result.matches:
        return None
    lines = [line] if (line := result.understood_line()) else []
    if result.no_match:
        lines += [f"{result.verdict}。建议："] + [f"- {step}" for step in result.next_steps]
        return Answer("\n".join(lines), (), intent.value, mode, False, query, MATCHING_HINT)
    lines.append(lead)
    citations = []
    for n, match in enumerate(result.matches[:ITEMS_IN_CHAT], start=1):
        chunk = match.chunk
        citations.append(Citation(n, chunk, _quote(chunk.text, chunk.title)))
        facts = [f"{CARD_LABELS[key]}：{match.card[key]}" for key in CHAT_CARD_FIELDS if match.card.get(key)]
        reasons = [r for r in match.reasons[1:] if not r.startswith("相关原文")][:2]
        lines.append(
            f"{n}. {chunk.title}（{chunk.doc_id}，可信度{match.confidence}）：{'；'.join(reasons + facts)}[{n}]"
        )
    return Answer("\n".join(lines), tuple(citations), intent.value, mode, True, query, MATCHING_HINT)


def _quote(text: str, title: str) -> str:
    """The record sentence to cite: the first one after the title."""
    sentences = split_sentences(text) or [text]
    return sentences[1] if len(sentences) > 1 and sentences[0] == title else sentences[0]


def agencies(found: Sequence[ListedAgency], *, query: str, mode: str) -> Answer | None:
    """Recommended whitelisted agencies with their reasons, each cited by its record (``None`` when none)."""
    if not found:
        return None
    lines = ["以下为科技创新券白名单中的推荐机构（白名单身份依据白名单数据）："]
    citations = []
    for n, agency in enumerate(found[:ITEMS_IN_CHAT], start=1):
        sentences = split_sentences(agency.chunk.text) or [agency.chunk.text]
        citations.append(Citation(n, agency.chunk, sentences[1] if len(sentences) > 1 else sentences[0]))
        lines.append(f"{n}. {agency.name}：{'；'.join(agency.reasons[1:4])}[{n}]")
    return Answer("\n".join(lines), tuple(citations), Intent.AGENCY_LOOKUP.value, mode, True, query, AGENCY_HINT)


def briefing(built: Briefing, topic: str) -> Answer:
    """A briefing in short: its overview, the first actions and its cited policy highlights."""
    lines = [f"**{built.title}**（统计范围：{built.scope}）", "", built.narrative, "", "建议行动："]
    lines += [f"- {action.text}（{action.reason}）" for action in built.actions[:ITEMS_IN_CHAT]]
    if built.highlights:
        lines += ["", f"政策要点：{built.highlights_note}{built.highlights}"]
    notice = " ".join(n for n in (built.notice, BRIEFING_HINT) if n)
    return Answer("\n".join(lines), built.citations, Intent.BRIEFING_REQUEST.value, "extractive", True, topic, notice)


class _Cited:
    """Numbers rules as they are first cited: [1], [2] …, each with its chunk and its first sentence."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._numbers: dict[str, int] = {}

    def mark(self, rule: Rule | None) -> str:
        if rule is None:
            return ""
        if rule.id not in self._numbers:
            self._numbers[rule.id] = len(self.citations) + 1
            sentences = split_sentences(rule.chunk.text) or [rule.chunk.text]
            self.citations.append(Citation(self._numbers[rule.id], rule.chunk, sentences[0]))
        return f"[{self._numbers[rule.id]}]"


def reward(result: Reward, *, query: str, mode: str) -> Answer:
    """The calculator's result: the binding minimum first, then every step with its article cited."""
    cited = _Cited()
    binding = result.binding
    lines = [
        f"按规则库测算（{result.region}·{result.mode}）：团队至少 {yuan(binding.min_amount)}"
        f"{cited.mark(binding.rule)}。",
        "",
        "计算步骤：",
    ]
    lines += [f"{n}. {step.text}{cited.mark(step.rule)}" for n, step in enumerate(result.steps, start=1)]
    if result.notes:
        lines += ["", *[f"注：{note}" for note in result.notes]]
    return Answer("\n".join(lines), tuple(cited.citations), Intent.REWARD_CALCULATION.value, mode, True, query,
                  REWARD_HINT)  # fmt: skip


def timeline(result: Timeline, *, query: str, mode: str) -> Answer:
    """The timeline of the publication a turn describes, each item with its articles cited."""
    cited = _Cited()
    items = [f"{item.text}{''.join(cited.mark(rule) for rule in item.rules)}" for item in result.items]
    lead = f"按今天（{result.today.isoformat()}）计算"
    # One publication: its verdict is the first sentence, not a heading before it.
    lines = [f"{lead}，{items[0]}"] if len(items) == 1 else [f"{lead}：", "", *[f"- {item}" for item in items]]
    return Answer("\n".join(lines), tuple(cited.citations), Intent.DISCLOSURE_TIMELINE.value, mode, True, query,
                  TIMELINE_HINT)  # fmt: skip
