"""智能问答: a cited chat over the knowledge base, streaming, kept per user across reloads."""

import streamlit as st

from assistant.chat.conversation import history_of
from assistant.conversations import Message
from assistant.errors import KezhuanError
from assistant.records import Answer
from ui.export import answer_markdown
from ui.identity import current_identity
from ui.markup import cite, defang, md
from ui.resources import audit_shown, ensure_index, get_audit, get_conversations, get_router

ensure_index()
chat = get_router()
store = get_conversations()
audit = get_audit()

identity = current_identity()
audience = identity.audience
user, role = identity.user_id, identity.role.value


def open_conversation(conversation_id: str) -> None:
    st.session_state.chat_conversation = conversation_id
    st.session_state.chat_messages = store.messages(conversation_id, user)
    st.query_params["c"] = conversation_id  # a reload of this URL reopens the same conversation


def new_conversation() -> None:
    st.session_state.chat_conversation = None
    st.session_state.chat_messages = []
    st.query_params.pop("c", None)


if "chat_messages" not in st.session_state:
    asked = st.query_params.get("c")
    latest = store.conversations(user, limit=1)
    if asked and store.owns(asked, user):
        open_conversation(asked)
    elif latest:
        open_conversation(latest[0].id)
    else:
        new_conversation()

with st.sidebar:
    st.button("🆕 新对话", key="chat_new", width="stretch", on_click=new_conversation)
    past = store.conversations(user)
    if past:
        st.caption("历史对话")
    for summary in past:
        st.button(
            summary.title,
            key=f"chat_open_{summary.id}",
            help=f"最近使用：{summary.updated.astimezone():%Y-%m-%d %H:%M}",
            type="primary" if summary.id == st.session_state.chat_conversation else "secondary",
            width="stretch",
            on_click=open_conversation,
            args=(summary.id,),
        )

st.title("科转助手 · 智能问答")
st.badge(f"模式：{chat.mode_label}", color="green" if chat.uses_llm else "blue")
st.caption("回答只依据知识库，每句话都标注出处；知识库没有依据时会明确说明。")


def turn_key(name: str, number: int) -> str:
    """A widget key of one turn of the open conversation (turns of another conversation get their own)."""
    return f"chat_{name}_{st.session_state.chat_conversation}_{number}"


def record_feedback(number: int, question: str) -> None:
    """Thumbs go to the audit log at once; a thumbs-down also opens a comment box below."""
    thumbs = st.session_state.get(turn_key("feedback", number))
    if thumbs is not None:
        target = f"{st.session_state.chat_conversation}#{number}"
        audit.record(user, "feedback", role=role, target=target, detail=f"{'👍' if thumbs else '👎'} {question}")


def record_comment(number: int, question: str) -> None:
    comment = st.session_state.get(turn_key("comment", number), "").strip()
    if comment:
        target = f"{st.session_state.chat_conversation}#{number}"
        audit.record(user, "feedback", role=role, target=target, detail=f"👎 {question}｜意见：{comment}")
        st.session_state[turn_key("commented", number)] = True


def show_answer(answer: Answer, number: int) -> None:
    """The parts under an answer: notices, the rewritten question, the sources, copy/export, feedback."""
    question = st.session_state.chat_messages[number - 1].text
    if answer.notice:
        st.info(answer.notice)
    if not answer.grounded and answer.citations:
        st.warning("知识库中没有找到直接依据，以上为最接近的资料。")
    if answer.query and answer.query != question:
        st.caption(f"检索问题：{answer.query}")
    if answer.citations:
        with st.expander(f"出处（{len(answer.citations)}）"):
            for citation in answer.citations:
                chunk = citation.chunk
                st.markdown(f"**\\[{citation.n}\\]** {md(cite(chunk))}")
                st.markdown(f"> {md(citation.quote)}")
    with st.expander("复制或导出回答"):
        st.code(answer.text, language=None, wrap_lines=True)
        st.download_button(
            "导出 Markdown",
            answer_markdown(question, answer),
            file_name=f"科转助手问答-{number // 2 + 1}.md",
            mime="text/markdown",
            key=turn_key("export", number),
            on_click="ignore",
        )
    thumbs = st.feedback("thumbs", key=turn_key("feedback", number), on_change=record_feedback, args=(number, question))
    if thumbs == 0:
        if st.session_state.get(turn_key("commented", number)):
            st.caption("感谢反馈，转化办会据此改进知识库。")
        else:
            st.text_area("哪里不对？（选填，提交后转化办可见）", key=turn_key("comment", number), max_chars=1000)
            st.button("提交意见", key=turn_key("comment_go", number), on_click=record_comment, args=(number, question))


for number, message in enumerate(st.session_state.chat_messages):
    with st.chat_message(message.role):
        if message.answer is None:
            st.markdown(message.text)
        else:
            st.markdown(defang(message.answer.text))
            show_answer(message.answer, number)

if prompt := st.chat_input("请输入问题，例如：上海高校转让成果，研发团队的奖励不低于多少？", key="chat_input"):
    history = history_of(m.answer for m in st.session_state.chat_messages if m.answer is not None)
    st.session_state.chat_messages.append(Message.question(prompt))
    with st.chat_message("user"):
        st.markdown(prompt)
    with st.chat_message("assistant"):
        final: dict[str, Answer] = {}

        def tokens():  # text for st.write_stream; the final Answer is kept aside
            for item in chat.stream(prompt, audience, history=history):
                if isinstance(item, Answer):
                    final["answer"] = item
                else:
                    yield item

        audit.record(user, "ask", role=role, detail=prompt)
        placeholder = st.empty()
        try:
            with placeholder:
                st.write_stream(tokens())
        except KezhuanError as exc:
            placeholder.error(str(exc))
            st.session_state.chat_messages.pop()
        else:
            answer = final["answer"]
            audit_shown(identity, (c.chunk for c in answer.citations), where="智能问答")
            # The final text replaces the stream: citations may have been cleaned or a fallback used,
            # and quoted record text is shown with its link syntax escaped.
            placeholder.markdown(defang(answer.text))
            if st.session_state.chat_conversation is None:
                st.session_state.chat_conversation = store.create(user, prompt)
                st.query_params["c"] = st.session_state.chat_conversation
            store.append(st.session_state.chat_conversation, user, Message.question(prompt))
            store.append(st.session_state.chat_conversation, user, Message.reply(answer))
            st.session_state.chat_messages.append(Message.reply(answer))
            show_answer(answer, len(st.session_state.chat_messages) - 1)
