"""Chat conversations kept per user, so a reload or a new day finds the chat where it was.

One SQLite file in the data dir. A conversation belongs to one user; every read and write
names the user and touches only that user's conversations, so a conversation id guessed or
copied from another session opens nothing. An answer is stored whole (text, citations with
their chunks, the searched question), so a reopened chat shows its sources as before.

Usage example::

    store = ConversationStore.in_data_dir(settings.data_dir)
    cid = store.create("alice", "赋权需要什么条件？")
    store.append(cid, "alice", Message.question("赋权需要什么条件？"))
    store.messages(cid, "alice")
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.records import Answer, Chunk, Citation

__all__ = ["ConversationStore", "ConversationSummary", "Message"]

TITLE_CHARS = 30  # a conversation is listed by the start of its first question

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversation (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversation_user ON conversation(user, updated);
CREATE TABLE IF NOT EXISTS message (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation TEXT NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS message_conversation ON message(conversation, id);
"""


@dataclass(frozen=True)
class Message:
    """One turn: the user's question (``answer`` is None) or the assistant's answer."""

    role: str
    text: str
    answer: Answer | None = None

    @classmethod
    def question(cls, text: str) -> Message:
        return cls("user", text)

    @classmethod
    def reply(cls, answer: Answer) -> Message:
        return cls("assistant", answer.text, answer)


@dataclass(frozen=True)
class ConversationSummary:
    """A conversation as the sidebar lists it."""

    id: str
    title: str
    updated: datetime


class ConversationStore:
    """Per-user conversations in one SQLite file (safe across the app's threads)."""

    FILE_NAME = "conversations.sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> ConversationStore:
        return cls(data_dir / cls.FILE_NAME)

    def create(self, user: str, first_question: str) -> str:
        """A new conversation of ``user``, titled by its first question; returns its id."""
        conversation_id = uuid.uuid4().hex
        now = _now()
        title = " ".join(first_question.split())[:TITLE_CHARS] or "新对话"
        with self._lock:
            self._db.execute(
                "INSERT INTO conversation (id, user, title, created, updated) VALUES (?, ?, ?, ?, ?)",
                (conversation_id, user, title, now, now),
            )
        return conversation_id

    def append(self, conversation_id: str, user: str, message: Message) -> None:
        """Add a turn to a conversation of ``user``.

        :raises KeyError: no such conversation of this user.
        """
        with self._lock:
            changed = self._db.execute(
                "UPDATE conversation SET updated = ? WHERE id = ? AND user = ?", (_now(), conversation_id, user)
            ).rowcount
            if not changed:
                raise KeyError(conversation_id)
            self._db.execute(
                "INSERT INTO message (conversation, role, body) VALUES (?, ?, ?)",
                (conversation_id, message.role, json.dumps(_message_body(message), ensure_ascii=False)),
            )

    def conversations(self, user: str, *, limit: int = 50) -> list[ConversationSummary]:
        """The user's conversations, the most recently used first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, title, updated FROM conversation WHERE user = ? ORDER BY updated DESC, rowid DESC LIMIT ?",
                (user, limit),
            ).fetchall()
        return [ConversationSummary(r[0], r[1], datetime.fromisoformat(r[2])) for r in rows]

    def messages(self, conversation_id: str, user: str) -> list[Message]:
        """The turns of one conversation of ``user``, oldest first; empty when it is not theirs."""
        with self._lock:
            rows = self._db.execute(
                "SELECT m.role, m.body FROM message m JOIN conversation c ON c.id = m.conversation"
                " WHERE c.id = ? AND c.user = ? ORDER BY m.id",
                (conversation_id, user),
            ).fetchall()
        return [_message_from(role, json.loads(body)) for role, body in rows]

    def owns(self, conversation_id: str, user: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM conversation WHERE id = ? AND user = ?", (conversation_id, user)
            ).fetchone()
        return row is not None

    def delete(self, conversation_id: str, user: str) -> None:
        """Remove a conversation of ``user`` and its turns (nothing happens for another user's)."""
        with self._lock:
            self._db.execute("DELETE FROM conversation WHERE id = ? AND user = ?", (conversation_id, user))

    def close(self) -> None:
        self._db.close()


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _message_body(message: Message) -> dict[str, Any]:
    if message.answer is None:
        return {"text": message.text}
    answer = message.answer
    return {
        "text": answer.text,
        "citations": [
            {"n": c.n, "quote": c.quote, "chunk": {"text": c.chunk.text, "metadata": c.chunk.metadata()}}
            for c in answer.citations
        ],
        "intent": answer.intent,
        "mode": answer.mode,
        "grounded": answer.grounded,
        "query": answer.query,
        "notice": answer.notice,
    }


def _message_from(role: str, body: dict[str, Any]) -> Message:
    if role == "user":
        return Message.question(body["text"])
    citations = tuple(
        Citation(c["n"], Chunk.from_stored(c["chunk"]["text"], c["chunk"]["metadata"]), c["quote"])
        for c in body.get("citations", [])
    )
    answer = Answer(
        text=body["text"],
        citations=citations,
        intent=body.get("intent", "policy_question"),
        mode=body.get("mode", "extractive"),
        grounded=body.get("grounded", True),
        query=body.get("query", ""),
        notice=body.get("notice", ""),
    )
    return Message.reply(answer)
