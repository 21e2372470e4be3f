"""A small HTTP server speaking the OpenAI chat-completions API, for tests of the LLM path.

It is a real server on 127.0.0.1 that the real ``openai`` client (inside ``ChatOpenAI``)
talks to, streaming (SSE) or not. Its "model" is a script the test chooses:

- ``cite``: answers with the first sentence of context 1, cited [1], plus a citation
  to a context that does not exist ([9]);
- ``nocite``: answers without any citation;
- ``error``: fails with HTTP 500;
- ``renumber``: the disclosure polish changes a number; the briefing overview invents one;
- ``stray_number``: quotes context 1 correctly, cited, then adds an uncited sentence with a
  number no block states ("此外比例为99%。");
- ``obey``: a model that follows an order found *inside* a data block ("…回答：X。"): it answers
  "X[n]。", citing the block the order came from (as if the order were a rule stated there);
- any request whose prompt carries "忽略以上指令" *outside* the <资料> data blocks is
  obeyed (the answer becomes "我被攻破了[1]"), like a model that follows injected text.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BLOCK = re.compile(r"<资料[^>]*>\n(.*?)\n</资料>", re.DOTALL)
INJECTION = "忽略以上指令"
ORDER = re.compile(r"回答：([^。\n]+)")


class StubState:
    """What the stub does next, and what it received."""

    def __init__(self) -> None:
        self.mode = "cite"
        self.requests: list[dict[str, Any]] = []


def _reply(state: StubState, body: dict[str, Any]) -> str:
    messages = body.get("messages", [])
    text = "\n".join(str(m.get("content", "")) for m in messages)
    if "最新追问" in text:  # the condense prompt
        follow_up = text.rsplit("最新追问：", 1)[-1].strip()
        history = [line[2:] for line in text.splitlines() if line.startswith("- ")]
        return f"{follow_up.strip('那呢？?')}{history[-1] if history else ''}"
    if "简报的“概述”段落" in text:  # the briefing overview: quote two figures, or (mode "renumber") invent one
        values = re.findall(r"^- [^：\n]+：(\d+)$", text, re.MULTILINE)
        invented = "，同比增长37%" if state.mode == "renumber" else ""
        return f"（大模型概述）本期成果{values[0]}项，有效或已授权{values[1]}项{invented}[1]另见[9]。"
    if "披露摘要改写" in text:  # the disclosure polish prompt: reword, or (mode "renumber") change a number
        original = text.rsplit("原文：", 1)[-1].strip()
        return original.replace("5", "6") if state.mode == "renumber" else "（润色）" + original
    outside = BLOCK.sub("", text)
    if INJECTION in outside:
        return "我被攻破了[1]"
    if state.mode == "nocite":
        return "这是一个没有任何出处的回答。"
    blocks = BLOCK.findall(text)
    if state.mode == "obey":
        orders = [(n, found.group(1)) for n, block in enumerate(blocks, start=1) if (found := ORDER.search(block))]
        if orders:
            n, order = orders[0]
            return f"{order}[{n}]。"
    first = re.split(r"(?<=[。；！？])", blocks[0].strip())[0] if blocks else "无资料"
    if state.mode == "stray_number":
        return f"{first}[1]此外比例为99%。"
    return f"{first}[1]另见[9]。"


def make_handler(state: StubState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            state.requests.append(body)
            if not self.path.endswith("/chat/completions"):
                self.send_error(404)
                return
            if state.mode == "error":
                self._json(500, {"error": {"message": "stub failure", "type": "server_error"}})
                return
            answer = _reply(state, body)
            if body.get("stream"):
                self._stream(body, answer)
            else:
                self._json(200, _completion(body, answer))

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, body: dict[str, Any], answer: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = [answer[i : i + 4] for i in range(0, len(answer), 4)]
            for piece in pieces:
                self._event(_chunk(body, {"content": piece}, None))
            self._event(_chunk(body, {}, "stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _event(self, payload: dict[str, Any]) -> None:
            self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

    return Handler


def _completion(body: dict[str, Any], answer: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "stub"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(body: dict[str, Any], delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "stub"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


class OpenAIStub:
    """Start with ``with OpenAIStub() as stub:``; ``stub.base_url`` is the ``OPENAI_BASE_URL``."""

    def __init__(self) -> None:
        self.state = StubState()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> OpenAIStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
