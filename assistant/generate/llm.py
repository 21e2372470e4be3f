"""The LLM composer: streams an answer from an OpenAI-compatible chat model, then checks it.

Generation goes through ``langchain-openai``'s ``ChatOpenAI`` (any server that speaks the
OpenAI chat API: vLLM, Ollama, DeepSeek, Qwen …). After generation, citations that point
at no context are removed; if no valid citation is left, the caller falls back to the
extractive answer. Each kept [n] gets a quote: the sentence of chunk n closest to the
answer sentences that cite it, copied verbatim.

Usage example::

    composer = LLMComposer(make_chat_model(settings))
    for token in composer.stream("作价投资的奖励比例？", hits): print(token, end="")
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError, GenerationError
from assistant.generate.citations import CITATION_PATTERN, cited_numbers, remove_invalid_markers
from assistant.generate.prompts import CONDENSE_PROMPT, SYSTEM_PROMPT, user_prompt
from assistant.records import Citation, Hit
from assistant.text import split_sentences

__all__ = ["LLMComposer", "make_chat_model"]


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
        return str(getattr(self.model, "model_name", "llm"))

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        """Tokens of the raw answer as the model produces them.

        :raises GenerationError: the server failed, timed out or answered nothing.
        """
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = [SystemMessage(SYSTEM_PROMPT), HumanMessage(user_prompt(question, hits))]
        produced = False
        try:
            for piece in self.model.stream(messages):
                text = piece.content if isinstance(piece.content, str) else ""
                if text:
                    produced = True
                    yield text
        except Exception as exc:  # openai raises many transport and status errors
            raise GenerationError(f"大模型调用失败（{type(exc).__name__}）") from exc
        if not produced:
            raise GenerationError("大模型没有返回内容")

    def condense(self, question: str, history: Sequence[str]) -> str:
        """A standalone question from a follow-up and the earlier questions."""
        from langchain_core.messages import HumanMessage

        prompt = CONDENSE_PROMPT.format(history="\n".join(f"- {h}" for h in history), question=question)
        try:
            reply = self.model.invoke([HumanMessage(prompt)])
        except Exception as exc:
            raise GenerationError(f"大模型改写问题失败（{type(exc).__name__}）") from exc
        text = reply.content if isinstance(reply.content, str) else ""
        return text.strip().splitlines()[0].strip() if text.strip() else question

    @staticmethod
    def finalize(raw: str, hits: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
        """Remove citations to nothing and quote each kept source verbatim.

        :returns: the cleaned answer and its citations (empty when none was valid).
        """
        text = remove_invalid_markers(raw, range(1, len(hits) + 1)).strip()
        citations = []
        for n in cited_numbers(text):
            chunk = hits[n - 1].chunk
            citing = " ".join(s for s in split_sentences(text) if f"[{n}]" in s)
            claim = _bigrams(CITATION_PATTERN.sub("", citing))
            sentences = split_sentences(chunk.text) or [chunk.text.strip()]
            quote = max(sentences, key=lambda s: len(_bigrams(s) & claim))
            citations.append(Citation(n, chunk, quote))
        return text, tuple(citations)
