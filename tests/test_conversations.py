"""Conversations: kept per user, answers come back whole, another user's stay closed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.conversations import ConversationStore, Message
from assistant.records import Answer, Chunk, Citation, DocType, Visibility

CHUNK = Chunk(
    doc_id="policies/sh-reward.md",
    doc_type=DocType.POLICY,
    title="上海市促进科技成果转化条例（示例）",
    source="/srv/knowledge/policies/sh-reward.md",
    locator="第二十条",
    text="转让净收入的百分之七十以上用于奖励研发团队。",
    visibility=Visibility.INTERNAL,
    meta={"region": "上海"},
)
ANSWER = Answer(
    text="不低于 70% [1]。",
    citations=(Citation(1, CHUNK, "转让净收入的百分之七十以上用于奖励研发团队。"),),
    grounded=True,
    query="上海 转让 奖励 比例",
    notice="",
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    store = ConversationStore.in_data_dir(tmp_path)
    yield store
    store.close()


class TestConversationStore:
    def test_answer_round_trips_with_its_sources(self, store: ConversationStore, tmp_path: Path) -> None:
        cid = store.create("alice", "上海高校转让成果，奖励不低于多少？")
        store.append(cid, "alice", Message.question("上海高校转让成果，奖励不低于多少？"))
        store.append(cid, "alice", Message.reply(ANSWER))
        store.close()
        reopened = ConversationStore.in_data_dir(tmp_path)
        question, reply = reopened.messages(cid, "alice")
        reopened.close()
        assert question == Message.question("上海高校转让成果，奖励不低于多少？")
        assert reply.answer == ANSWER
        assert reply.answer.citations[0].chunk.id == CHUNK.id  # same chunk, same metadata

    def test_conversations_are_listed_per_user_most_recent_first(self, store: ConversationStore) -> None:
        first = store.create("alice", "  赋权试点\n需要什么条件？这是一个很长很长很长很长很长很长的问题  ")
        time.sleep(0.01)
        second = store.create("alice", "作价投资怎么算")
        store.create("bob", "bob 的问题")
        time.sleep(0.01)
        store.append(first, "alice", Message.question("再问一句"))
        listed = store.conversations("alice")
        assert [c.id for c in listed] == [first, second]
        assert listed[0].title.startswith("赋权试点 需要什么条件？") and len(listed[0].title) == 30
        assert [c.title for c in store.conversations("bob")] == ["bob 的问题"]

    def test_another_users_conversation_stays_closed(self, store: ConversationStore) -> None:
        cid = store.create("alice", "我的披露草稿")
        store.append(cid, "alice", Message.question("我的披露草稿"))
        assert store.owns(cid, "alice") and not store.owns(cid, "mallory")
        assert store.messages(cid, "mallory") == []
        with pytest.raises(KeyError):
            store.append(cid, "mallory", Message.question("插一句"))
        store.delete(cid, "mallory")
        assert len(store.messages(cid, "alice")) == 1

    def test_delete_removes_the_turns(self, store: ConversationStore) -> None:
        cid = store.create("alice", "问题")
        store.append(cid, "alice", Message.question("问题"))
        store.delete(cid, "alice")
        assert store.conversations("alice") == [] and store.messages(cid, "alice") == []
