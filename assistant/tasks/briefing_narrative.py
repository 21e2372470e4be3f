"""The briefing's overview paragraph written by an LLM, kept only if its numbers are true.

An officer forwards a briefing upward, so a wrong number is worse than a plain sentence:
the model sees the figures table and the cited policy sentences, and its paragraph is
used only if every number in it (citation markers aside) is a figure's value or a number
the briefing's own scope states (dates, the match threshold). Otherwise, or when the model
fails, the offline paragraph stays and the briefing says why.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant.generate.citations import CITATION_PATTERN, remove_invalid_markers

if TYPE_CHECKING:
    from assistant.tasks.briefing import Briefing

__all__ = ["numbers_in", "unsupported_numbers", "write_narrative"]

NARRATIVE_PROMPT = """你在为高校成果转化办撰写一份简报的“概述”段落，读者是上级主管部门。
主题：{topic}
统计范围：{scope}

下面是已经核对过的统计数字（名称：数值）：
{figures}

下面是相关政策要点（方括号内为出处编号）：
{highlights}

要求：写一段不超过300字的概述；只能使用上面列出的数字，不得计算新的数字（不求和、不算百分比）；
不得出现上面没有的机构或企业名称；只输出这段概述。"""
NUMBER = re.compile(r"\d+(?:\.\d+)?")
NOTICE_FAILED = "大模型撰写概述失败（{reason}），已使用离线模板段落。"
NOTICE_NUMBERS = "大模型的概述含有统计表之外的数字（{numbers}），已使用离线模板段落。"


def numbers_in(text: str) -> list[str]:
    """The numbers of a text, citation markers removed, as written ("0.80" stays "0.80")."""
    return NUMBER.findall(CITATION_PATTERN.sub("", text))


def _canonical(number: str) -> str:
    return f"{float(number):g}"


def unsupported_numbers(text: str, allowed: set[str]) -> list[str]:
    """Numbers in ``text`` that are not in ``allowed`` (compared as values: 0.8 == 0.80)."""
    known = {_canonical(n) for n in allowed}
    return [n for n in numbers_in(text) if _canonical(n) not in known]


def write_narrative(model: Any, briefing: Briefing) -> tuple[str, str, str]:
    """(paragraph, who wrote it, notice): the model's paragraph, or the offline one and why."""
    from langchain_core.messages import HumanMessage

    figures = "\n".join(f"- {f.name}：{f.value}" for f in briefing.figures)
    prompt = NARRATIVE_PROMPT.format(
        topic=briefing.request.topic,
        scope=briefing.scope,
        figures=figures,
        highlights=briefing.highlights or "（无）",
    )
    try:
        reply = model.invoke([HumanMessage(prompt)])
    except Exception as exc:  # any failure: the offline paragraph is always a valid answer
        return briefing.narrative, "离线模板", NOTICE_FAILED.format(reason=type(exc).__name__)
    raw = reply.content if isinstance(reply.content, str) else ""
    text = remove_invalid_markers(raw, range(1, len(briefing.citations) + 1)).strip()
    if not text:
        return briefing.narrative, "离线模板", NOTICE_FAILED.format(reason="没有返回内容")
    allowed = {str(f.value) for f in briefing.figures} | set(numbers_in(f"{briefing.scope} {briefing.narrative}"))
    allowed |= set(numbers_in(briefing.request.topic))
    wrong = unsupported_numbers(text, allowed)
    if wrong:
        return briefing.narrative, "离线模板", NOTICE_NUMBERS.format(numbers="、".join(dict.fromkeys(wrong)))
    return text, str(getattr(model, "model_name", "大模型")), ""
