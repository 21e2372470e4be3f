"""jieba reading its word table from SQLite segments exactly as jieba with its own in-memory dict."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import jieba
import pytest

from assistant.index import word_frequencies
from assistant.index.tokenizer import DOMAIN_TERMS
from assistant.index.word_frequencies import WordFrequencies

TEXTS = [
    "职务科技成果赋权后，成果完成人可以作价投资吗？",
    "本发明公开了一种锂离子电池隔膜的制备方法，提高了热稳定性。",
    "高校科技成果转化净收入的奖励比例不低于百分之五十，上海规定不低于70%。",
    "示例公司需要一种低成本的污水处理技术，预算三百万元以内。",
    "技术经理人在概念验证阶段协助团队完成专利盘活与开放许可。",
]


@pytest.fixture(scope="module")
def table_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jieba") / "words.sqlite"
    WordFrequencies.open(path, jieba.Tokenizer(), "test")
    return path


def _tokenizer(table: WordFrequencies | None = None) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    if table is not None:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = table, table.total, True
    for term in DOMAIN_TERMS:
        tokenizer.add_word(term)
    return tokenizer


def _segment(tokenizer: jieba.Tokenizer) -> list[list[str]]:
    return [list(tokenizer.cut_for_search(text)) + tokenizer.lcut(text) for text in TEXTS]


@pytest.fixture(scope="module")
def expected() -> list[list[str]]:
    return _segment(_tokenizer())


def test_same_segmentation_as_jiebas_own_dictionary(table_path: Path, expected: list[list[str]]) -> None:
    assert _segment(_tokenizer(WordFrequencies(table_path))) == expected


def test_same_segmentation_after_the_whole_table_is_read(
    table_path: Path, expected: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(word_frequencies, "LOOKUPS_BEFORE_FULL_LOAD", 5)
    table = WordFrequencies(table_path)
    tokenizer = _tokenizer(table)  # the added domain terms must survive the switch
    assert table._loaded
    assert _segment(tokenizer) == expected
    assert "作价投资" in tokenizer.lcut("成果作价投资")


def test_lookups(table_path: Path) -> None:
    table = WordFrequencies(table_path)
    assert table.get("科技") and "科技" in table
    assert table.get("不是一个词语的字符串") is None and "不是一个词语的字符串" not in table
    with pytest.raises(KeyError):
        table["不是一个词语的字符串"]


def test_stale_or_broken_file_is_written_again(tmp_path: Path) -> None:
    path = tmp_path / "words.sqlite"
    path.write_bytes(b"not a database")
    assert WordFrequencies.open(path, jieba.Tokenizer(), "v1").get("科技")
    WordFrequencies.open(path, jieba.Tokenizer(), "v2")  # another dictionary: written again
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0].endswith(":v2")
    assert WordFrequencies(path).get("科技")
