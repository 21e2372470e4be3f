"""jieba's word-frequency table, read from SQLite on demand instead of loaded whole.

jieba keeps its dictionary as one Python dict of about 580k entries (words and every prefix
of them). Loading it, even from jieba's own prepared cache, took half a second of every
``kezhuan search``, which segments a dozen characters. Here the table lives in a SQLite file
beside the embedding cache: a lookup reads one row and remembers it. A process that
segments a great deal (ingest, an evaluation) reads the whole table once it has looked up
enough words for that to be the cheaper path, so bulk work runs at jieba's own speed.

Segmentation is unchanged: jieba sees the same words with the same frequencies, whichever
way they were read.

Usage example::

    table = WordFrequencies.open(Path(".kezhuan/jieba-words.sqlite"), jieba.dt, jieba.__version__)
    table.get("科技")   # its frequency; 0 for a prefix of longer words; None when absent
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any

__all__ = ["WordFrequencies"]

FORMAT = "1"  # bump when the file's layout changes
# Lookups that miss the memory before the whole table is read instead (≈ 5 µs each; reading
# all rows costs ≈ 0.5 s, so past this many the one-off read is the cheaper path).
LOOKUPS_BEFORE_FULL_LOAD = 50_000
_UNSEEN = object()


class WordFrequencies:
    """A dict-like stand-in for ``jieba.Tokenizer.FREQ`` (``in``, ``[]``, ``get``, assignment).

    Assigned words (``jieba.add_word``) live in memory on top of the file and survive the
    switch to the fully loaded table.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by the app's threads
        self._known: dict[str, int | None] = {}
        self._added: dict[str, int] = {}
        self._lookups = 0
        self._loaded = False
        self.total = int(self._meta("total"))

    @classmethod
    def open(cls, path: Path, tokenizer: Any, dictionary_version: str) -> WordFrequencies:
        """The table at ``path``, written first from ``tokenizer``'s dictionary if absent or stale.

        :param tokenizer: a ``jieba.Tokenizer``; its text dictionary is parsed only to write the file.
        :param dictionary_version: names the dictionary (jieba's version for its bundled one);
            a file written from another is written again.
        """
        version = f"{FORMAT}:{dictionary_version}"
        if not _is_current(path, version):
            _write(path, tokenizer, version)
        return cls(path)

    def get(self, word: str, default: Any = None) -> Any:
        value = self._known.get(word, _UNSEEN)
        if value is _UNSEEN:
            value = self._read(word)
        return default if value is None else value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return int(value)

    def __setitem__(self, word: str, frequency: int) -> None:
        self._added[word] = frequency
        self._known[word] = frequency

    def _read(self, word: str) -> int | None:
        if self._loaded:
            return None  # the whole table is in memory: absent means absent
        with self._lock:
            row = self._db.execute("SELECT freq FROM words WHERE word = ?", (word,)).fetchone()
            self._lookups += 1
            if self._lookups >= LOOKUPS_BEFORE_FULL_LOAD:
                self._load_all()
        value = None if row is None else int(row[0])
        self._known[word] = value
        return value

    def _load_all(self) -> None:
        known: dict[str, int | None] = dict(self._db.execute("SELECT word, freq FROM words"))
        known.update(self._added)
        self._known = known
        self._loaded = True

    def _meta(self, key: str) -> str:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0])


def _is_current(path: Path, version: str) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.DatabaseError:  # a half-written or foreign file: write it again
        return False
    return row is not None and row[0] == version


def _write(path: Path, tokenizer: Any, version: str) -> None:
    """Parse jieba's text dictionary once (about a second) and store it; atomic, so readers never see half a table."""
    frequencies, total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        with sqlite3.connect(temporary) as db:
            db.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.executemany("INSERT INTO words VALUES (?, ?)", frequencies.items())
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("total", str(total)), ("version", version)])
        db.close()
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
