"""The LLM path: one policy for every model call, and the answer composer that uses it.

Every use of a chat model (answers, follow-up rewriting, the briefing overview, the
disclosure polish) goes through :func:`checked_generation` (or :func:`checked_stream` when
the text is shown as it arrives): the model's text is used only if the call succeeds and the
caller's check accepts it; otherwise the offline text is used and the result carries a
visible Chinese notice saying why. No model failure is silent, and none is fatal: the
offline text is always a valid result.

Generation goes through ``langchain-openai``'s ``ChatOpenAI`` (any server that speaks the
OpenAI chat API: vLLM, Ollama, DeepSeek, Qwen …).

Usage example::

    composer = LLMComposer(make_chat_model(settings))
    for token in composer.stream("作价投资的奖励比例？", hits): print(token, end="")
    result = checked_generation(lambda: complete(model, messages), check, Generated(offline, "离线模板"), by="qwen")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError, GenerationError
from assistant.generate.citations import CITATION_PATTERN, cited_numbers, claims, remove_invalid_markers
from assistant.generate.extractive import Focus
from assistant.generate.grounding import supports
from assistant.generate.guards import is_quotable, numbers_in, unsupported_numbers
from assistant.generate.prompts import SYSTEM_PROMPT, condense_prompt, user_prompt
from assistant.records import Chunk, Citation, Hit
from assistant.text import split_sentences

__all__ = [
    "Generated",
    "LLMComposer",
    "checked_generation",
    "checked_stream",
    "complete",
    "make_chat_model",
    "model_name",
]

FALLBACK_NOTICE = "{problem}，已改用{fallback}。"


def make_chat_model(settings: Settings) -> Any:
    """``ChatOpenAI`` for the configured server and model.

    :raises ConfigError: no API key is configured.
    """
    if not settings.openai_api_key:
        raise ConfigError("未配置 OPENAI_API_KEY，无法使用大模型")
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=settings.llm_model,
        api_key=SecretStr(settings.openai_api_key),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=1,
        temperature=0,
    )


def model_name(model: Any) -> str:
    """What the UI and documents call the model ("大模型" when it has no name)."""
    return str(getattr(model, "model_name", None) or "大模型")


@dataclass(frozen=True)
class Generated:
    """A text and who wrote it; ``notice`` says why the model's text was not used (empty when it was)."""

    text: str
    by: str
    notice: str = ""


def checked_stream(
    produce: Callable[[], Iterable[str]], check: Callable[[str], str], fallback: Generated, *, by: str
) -> Iterator[str | Generated]:
    """Yield the model's text as it arrives, then the :class:`Generated` result.

    :param produce: starts the model call; its pieces are yielded as they come.
    :param check: takes the whole text and returns the text to keep (cleaned), or raises
        :class:`GenerationError` naming the problem in Chinese.
    :param fallback: the offline text and its author, used when the call or the check fails.
    :param by: the model's name, for a text that passes.
    """
    pieces: list[str] = []
    try:
        for piece in produce():
            pieces.append(piece)
            yield piece
        text = "".join(pieces).strip()
        if not text:
            raise GenerationError("大模型没有返回内容")
        kept = check(text)
    except GenerationError as exc:
        yield replace(fallback, notice=FALLBACK_NOTICE.format(problem=str(exc), fallback=fallback.by))
        return
    yield Generated(kept, by)


def checked_generation(
    call: Callable[[], str], check: Callable[[str], str], fallback: Generated, *, by: str
) -> Generated:
    """The model's text if the call succeeds and ``check`` keeps it, else ``fallback`` with a notice.

    The non-streaming form of :func:`checked_stream`, with the same parameters.
    """
    *_, result = checked_stream(lambda: [call()], check, fallback, by=by)
    assert isinstance(result, Generated)
    return result


def complete(model: Any, messages: Sequence[Any]) -> str:
    """One non-streaming call.

    :raises GenerationError: the server failed or timed out.
    """
    try:
        reply = model.invoke(list(messages))
    except Exception as exc:  # openai raises many transport and status errors
        raise GenerationError(f"大模型调用失败（{type(exc).__name__}）") from exc
    return reply.content if isinstance(reply.content, str) else ""


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class LLMComposer:
    """Answers from numbered context with a chat model.

    :param model: a langchain chat model (``ChatOpenAI``).
    """

    def __init__(self, model: Any) -> None:
        self.model = model

    @property
    def name(self) -> str:
        return model_name(self.model)

    def stream(self, question: str, hits: Sequence[Hit], *, focus: Focus | None = None) -> Iterator[str]:
        """Tokens of the raw answer as the model produces them.

        :param focus: the regions asked about, and those the knowledge base lacks (named in the prompt).
        :raises GenerationError: the server failed or timed out.
        """
        from langchain_core.messages import HumanMessage, SystemMessage

        focus = focus or Focus()
        prompt = user_prompt(question, hits, asked=focus.asked, missing=focus.missing)
        messages = [SystemMessage(SYSTEM_PROMPT), HumanMessage(prompt)]
        try:
            for piece in self.model.stream(messages):
                if isinstance(piece.content, str) and piece.content:
                    yield piece.content
        except Exception as exc:  # openai raises many transport and status errors
            raise GenerationError(f"大模型调用失败（{type(exc).__name__}）") from exc

    def condense(self, question: str, history: Sequence[str]) -> str:
        """A standalone question from a follow-up and the earlier questions (the model's first line).

        :raises GenerationError: the server failed, or gave no question.
        """
        from langchain_core.messages import HumanMessage

        lines = complete(self.model, [HumanMessage(condense_prompt(question, history))]).strip().splitlines()
        if not lines or not lines[0].strip():
            raise GenerationError("大模型没有给出改写后的问题")
        return lines[0].strip()

    @staticmethod
    def finalize(raw: str, hits: Sequence[Hit], *, focus: Focus | None = None) -> tuple[str, tuple[Citation, ...]]:
        """Remove citations to nothing, check each cited sentence against its source, quote the sources.

        A sentence that cites [n] must be supported by a sentence of chunk n (its numbers and
        most of its key terms, see :func:`~assistant.generate.grounding.supports`); that
        sentence, copied verbatim, is the citation's quote. Every number of the answer, cited
        sentence or not, must occur in a block the answer cites; and when an asked region is
        not covered, the answer must say so.

        :returns: the cleaned answer and its citations.
        :raises GenerationError: no valid citation is left, a sentence says what its source does
            not, a number is in no cited block, or the gap goes unsaid.
        """
        text = remove_invalid_markers(raw, range(1, len(hits) + 1)).strip()
        cited = [hits[n - 1].chunk for n in cited_numbers(text)]
        cited_text = "".join(f"{c.text} {c.meta.get('effective_date', '')}" for c in cited)
        stray = unsupported_numbers(text, numbers_in(cited_text))
        if stray:
            raise GenerationError(f"大模型的回答与所引资料不符（数字{'、'.join(stray[:3])}不在所引资料中）")
        missing = focus.missing if focus else ()
        if missing and not all(region in text.split("。", 1)[0] for region in missing):
            raise GenerationError(f"大模型的回答没有先说明知识库中没有{'、'.join(missing)}的规定")
        quotes: dict[int, list[tuple[int, str]]] = {}
        for claim, numbers in claims(text):
            if not numbers:
                continue
            statement = CITATION_PATTERN.sub("", claim)
            found = {n: _best_quote(statement, hits[n - 1].chunk) for n in numbers}
            if not any(supports(statement, quote) for quote in found.values()):
                raise GenerationError(f"大模型的回答与所引资料不符（“{statement[:30]}”）")
            for n, quote in found.items():
                quotes.setdefault(n, []).append((len(_bigrams(quote) & _bigrams(statement)), quote))
        if not quotes:
            raise GenerationError("大模型的回答没有可核对的引用")
        citations = tuple(Citation(n, hits[n - 1].chunk, max(scored)[1]) for n, scored in quotes.items())
        return text, citations


def _best_quote(statement: str, chunk: Chunk) -> str:
    """The sentence of ``chunk`` closest to ``statement`` (shared character pairs); never a directive."""
    sentences = [s for s in split_sentences(chunk.text) if is_quotable(s)] or [""]
    claim = _bigrams(statement)
    return max(sentences, key=lambda s: len(_bigrams(s) & claim))
