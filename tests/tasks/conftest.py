"""Fixtures of the task tests: the shipped rule base, parsed from its files without an index."""

from __future__ import annotations

import pytest

from assistant.ingest.loaders import CsvLoader, FileRef
from assistant.ingest.splitter import ChineseSplitter
from assistant.records import Chunk, DocType
from assistant.tasks.rules import RuleBase
from tests.conftest import REPO


def rule_chunks() -> list[Chunk]:
    """The chunks ingest makes of knowledge/rules/*.csv (the calculators' input, minus the embedding)."""
    chunks: list[Chunk] = []
    for path in sorted((REPO / "knowledge" / "rules").glob("*.csv")):
        for document in CsvLoader().load(FileRef(path, f"rules/{path.name}", DocType.POLICY)):
            chunks += ChineseSplitter().split(document)
    return chunks


@pytest.fixture(scope="session")
def rule_base() -> RuleBase:
    return RuleBase.from_chunks(rule_chunks())
