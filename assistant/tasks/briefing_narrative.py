"""The briefing's overview paragraph written by an LLM, kept only if its numbers are true.

An officer forwards a briefing upward, so a wrong number is worse than a plain sentence:
the model gets the same system prompt as answers, with the figures table and the cited
policy sentences fenced as data (:func:`~assistant.generate.prompts.narrative_prompt`), and
its paragraph is used only if every number in it (citation markers aside) is a figure's value
or a number the briefing's own scope states (dates, the match threshold). Otherwise, or when
the model fails, the offline paragraph stays and the briefing says why
(:func:`~assistant.generate.llm.checked_generation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.errors import GenerationError
from assistant.generate.citations import remove_invalid_markers
from assistant.generate.guards import numbers_in, unsupported_numbers
from assistant.generate.llm import Generated, checked_generation, complete, model_name
from assistant.generate.prompts import SYSTEM_PROMPT, narrative_prompt

if TYPE_CHECKING:
    from assistant.tasks.briefing import Briefing

__all__ = ["OFFLINE", "write_narrative"]

OFFLINE = "离线模板"


def write_narrative(model: Any, briefing: Briefing) -> Generated:
    """The model's overview paragraph, or the offline one with a notice saying why."""
    from langchain_core.messages import HumanMessage, SystemMessage

    prompt = narrative_prompt(
        briefing.request.topic, briefing.scope, [(f.name, f.value) for f in briefing.figures], briefing.citations
    )
    allowed = {str(f.value) for f in briefing.figures} | set(numbers_in(f"{briefing.scope} {briefing.narrative}"))
    allowed |= set(numbers_in(briefing.request.topic))

    def check(raw: str) -> str:
        text = remove_invalid_markers(raw, [c.n for c in briefing.citations]).strip()
        if not text:
            raise GenerationError("大模型的概述只有无效的引用")
        wrong = unsupported_numbers(text, allowed)
        if wrong:
            raise GenerationError(f"大模型的概述含有统计表之外的数字（{'、'.join(dict.fromkeys(wrong))}）")
        return text

    return checked_generation(
        lambda: complete(model, [SystemMessage(SYSTEM_PROMPT), HumanMessage(prompt)]),
        check,
        Generated(briefing.narrative, OFFLINE),
        by=model_name(model),
    )
