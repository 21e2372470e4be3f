"""The audit log: append-only, filterable, and it forgets only what is past retention."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.audit import AuditLog


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    log = AuditLog.in_data_dir(tmp_path)
    log.record("alice", "ask", role="researcher", detail="赋权需要什么条件？")
    log.record("bob", "show", role="officer", target="disclosures/r-001.md", detail="confidential")
    log.record("alice", "show", role="researcher", target="disclosures/alice.md", detail="confidential")
    log.record("carol", "upload", role="officer", target="uploads/rule.md")
    yield log
    log.close()


class TestAuditLog:
    def test_entries_newest_first_with_every_field(self, log: AuditLog) -> None:
        entries = log.entries()
        assert [e.action for e in entries] == ["upload", "show", "show", "ask"]
        first = entries[-1]
        assert (first.actor, first.role, first.detail) == ("alice", "researcher", "赋权需要什么条件？")
        assert first.at.tzinfo is not None and datetime.now(UTC) - first.at < timedelta(minutes=1)

    def test_entries_filter_by_actor_action_and_target(self, log: AuditLog) -> None:
        assert [e.action for e in log.entries(actor="alice")] == ["show", "ask"]
        assert [e.actor for e in log.entries(action="show")] == ["alice", "bob"]
        assert [e.actor for e in log.entries(target="disclosures/r-001.md")] == ["bob"]
        assert log.entries(actor="alice", action="upload") == []

    def test_entries_filter_by_time_window(self, log: AuditLog) -> None:
        now = datetime.now(UTC)
        assert len(log.entries(since=now - timedelta(hours=1))) == 4
        assert log.entries(since=now + timedelta(hours=1)) == []
        assert log.entries(until=now - timedelta(hours=1)) == []
        assert len(log.entries(since=now - timedelta(hours=1), until=now + timedelta(hours=1), limit=2)) == 2

    def test_actions_lists_what_the_log_holds(self, log: AuditLog) -> None:
        assert log.actions() == ["ask", "show", "upload"]

    def test_rows_cannot_be_changed(self, log: AuditLog, tmp_path: Path) -> None:
        db = sqlite3.connect(tmp_path / AuditLog.FILE_NAME)
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit SET actor = 'mallory' WHERE actor = 'bob'")
        db.close()
        assert [e.actor for e in log.entries(action="show")] == ["alice", "bob"]

    def test_entries_survive_reopening(self, log: AuditLog, tmp_path: Path) -> None:
        log.close()
        reopened = AuditLog.in_data_dir(tmp_path)
        assert len(reopened.entries()) == 4
        reopened.close()

    def test_retention_drops_only_expired_entries(self, log: AuditLog, tmp_path: Path) -> None:
        log.close()
        old = (datetime.now(UTC) - timedelta(days=40)).isoformat()
        db = sqlite3.connect(tmp_path / AuditLog.FILE_NAME)
        db.execute(
            "INSERT INTO audit (at, actor, role, action, target, detail) VALUES (?, 'dave', 'officer', 'ask', '', '')",
            (old,),
        )
        db.commit()
        db.close()
        kept = AuditLog.in_data_dir(tmp_path, retention_days=365)
        assert "dave" in {e.actor for e in kept.entries()}
        kept.close()
        expired = AuditLog.in_data_dir(tmp_path, retention_days=30)
        assert "dave" not in {e.actor for e in expired.entries()}
        assert len(expired.entries()) == 4
        expired.close()


def test_record_shown_logs_each_non_public_document_once(tmp_path: Path) -> None:
    from assistant.records import Chunk, DocType, Visibility

    def chunk(doc_id: str, visibility: Visibility, text: str) -> Chunk:
        return Chunk(doc_id, DocType.DISCLOSURE, f"标题{doc_id}", "", "", text, visibility)

    log = AuditLog.in_data_dir(tmp_path)
    logged = log.record_shown(
        "alice",
        [
            chunk("d1", Visibility.CONFIDENTIAL, "一"),
            chunk("d1", Visibility.CONFIDENTIAL, "二"),
            chunk("p1", Visibility.PUBLIC, "三"),
            chunk("i1", Visibility.INTERNAL, "四"),
        ],
        role="officer",
    )
    shown = log.entries(action="show")
    log.close()
    assert sorted((e.target, e.detail) for e in shown) == [("d1", "标题d1"), ("i1", "标题i1")]
    assert {e.actor for e in shown} == {"alice"} and {e.role for e in shown} == {"officer"}
    assert logged == ["d1", "i1"]
