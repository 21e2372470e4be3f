"""智能问答: a cited chat over the knowledge base, role-aware, streaming."""

import streamlit as st

from assistant.errors import KezhuanError
from assistant.records import Answer
from ui.identity import current_identity
from ui.markup import cite, defang, md
from ui.resources import ensure_index, get_router

ensure_index()
chat = get_router()

audience = current_identity().audience
with st.sidebar:
    if st.button("🆕 新对话", key="chat_new", use_container_width=True):
        st.session_state.chat_messages = []

st.title("科转助手 · 智能问答")
st.badge(f"模式：{chat.mode_label}", color="green" if chat.uses_llm else "blue")
st.caption("回答只依据知识库，每句话都标注出处；知识库没有依据时会明确说明。")

if "chat_messages" not in st.session_state:
    st.session_state.chat_messages = []


def show_answer(answer: Answer, number: int) -> None:
    """The parts under an answer: notices, the rewritten question, the sources."""
    if answer.notice:
        st.info(answer.notice)
    if not answer.grounded and answer.citations:
        st.warning("知识库中没有找到直接依据，以上为最接近的资料。")
    if answer.query and answer.query != st.session_state.chat_messages[number - 1]["content"]:
        st.caption(f"检索问题：{answer.query}")
    if answer.citations:
        with st.expander(f"出处（{len(answer.citations)}）"):
            for citation in answer.citations:
                chunk = citation.chunk
                st.markdown(f"**\\[{citation.n}\\]** {md(cite(chunk))}")
                st.markdown(f"> {md(citation.quote)}")
    st.feedback("thumbs", key=f"chat_feedback_{number}")


for number, message in enumerate(st.session_state.chat_messages):
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.markdown(message["content"])
        else:
            st.markdown(defang(message["answer"].text))
            show_answer(message["answer"], number)

if prompt := st.chat_input("请输入问题，例如：上海高校转让成果，研发团队的奖励不低于多少？", key="chat_input"):
    history = [
        m["answer"].query for m in st.session_state.chat_messages if m["role"] == "assistant" and m["answer"].query
    ]
    st.session_state.chat_messages.append({"role": "user", "content": prompt})
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

        placeholder = st.empty()
        try:
            with placeholder:
                st.write_stream(tokens())
        except KezhuanError as exc:
            placeholder.error(str(exc))
            st.session_state.chat_messages.pop()
        else:
            answer = final["answer"]
            # The final text replaces the stream: citations may have been cleaned or a fallback used,
            # and quoted record text is shown with its link syntax escaped.
            placeholder.markdown(defang(answer.text))
            st.session_state.chat_messages.append({"role": "assistant", "answer": answer})
            show_answer(answer, len(st.session_state.chat_messages) - 1)
