"""The audit log: who asked what, which non-public documents were shown to whom, drafts, uploads.

An append-only SQLite table in the data dir. Rows are never updated; rows older than the
retention period are dropped when the log is opened, so the log keeps what an officer may
need to answer "who saw this draft" without growing forever.

Usage example::

    log = AuditLog.in_data_dir(settings.data_dir, retention_days=365)
    log.record("alice", "ask", target="", detail="赋权需要什么条件？")
    log.entries(actor="alice")
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.records import Chunk, Visibility

__all__ = ["ACTIONS", "AuditEntry", "AuditLog"]

# The actions the app records, with the label an officer filters by. Other writers may add
# their own names; the log stores any string.
ACTIONS = {
    "ask": "提问",
    "show": "查看非公开资料",
    "feedback": "回答反馈",
    "draft_store": "存入披露草稿",
    "draft_read": "读取披露草稿",
    "draft_withdraw": "撤回披露草稿",
    "upload": "上传",
    "delete": "删除",
    "reindex": "重新索引",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    role: str
    action: str
    target: str
    detail: str


class AuditLog:
    """Append-only record of what users did and saw (one SQLite file, safe across threads)."""

    FILE_NAME = "audit.sqlite"

    def __init__(self, path: Path, *, retention_days: int = 365) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        cutoff = datetime.now(UTC) - timedelta(days=retention_days)
        # Expiry is the one deletion: it bypasses no trigger because only UPDATE is forbidden.
        self._db.execute("DELETE FROM audit WHERE at < ?", (cutoff.isoformat(),))

    @classmethod
    def in_data_dir(cls, data_dir: Path, *, retention_days: int = 365) -> AuditLog:
        return cls(data_dir / cls.FILE_NAME, retention_days=retention_days)

    def record(self, actor: str, action: str, *, role: str = "", target: str = "", detail: str = "") -> None:
        """Append one event; ``target`` names a document or draft, ``detail`` is free text."""
        with self._lock:
            self._db.execute(
                "INSERT INTO audit (at, actor, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(), actor, role, action, target, detail),
            )

    def record_shown(self, actor: str, chunks: Iterable[Chunk], *, role: str = "", where: str = "") -> list[str]:
        """Note each non-public document among ``chunks`` once (action ``show``): what was shown to whom.

        Public documents are not logged (anyone may read them); an internal policy or a
        confidential draft shown to a user is, with the page (``where``) and its title.

        :returns: the ``doc_id`` of each document logged.
        """
        shown: dict[str, Chunk] = {}
        for chunk in chunks:
            if chunk.visibility is not Visibility.PUBLIC:
                shown.setdefault(chunk.doc_id, chunk)
        for doc_id, chunk in sorted(shown.items()):
            self.record(
                actor, "show", role=role, target=doc_id, detail=f"{where}：{chunk.title}" if where else chunk.title
            )
        return sorted(shown)

    def entries(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 500,
    ) -> list[AuditEntry]:
        """The newest entries first, filtered by whichever arguments are given.

        :param since: the earliest time included; ``until``: the first time excluded.
        """
        clauses, values = [], []
        for column, value in (("actor", actor), ("action", action), ("target", target)):
            if value:
                clauses.append(f"{column} = ?")
                values.append(value)
        if since is not None:
            clauses.append("at >= ?")
            values.append(since.astimezone(UTC).isoformat())
        if until is not None:
            clauses.append("at < ?")
            values.append(until.astimezone(UTC).isoformat())
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(
                f"SELECT at, actor, role, action, target, detail FROM audit {where} ORDER BY id DESC LIMIT ?",
                (*values, limit),
            ).fetchall()
        return [AuditEntry(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    def actions(self) -> list[str]:
        """Every action name the log holds, for a filter's choices."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT action FROM audit ORDER BY action").fetchall()
        return [str(r[0]) for r in rows]

    def close(self) -> None:
        self._db.close()
