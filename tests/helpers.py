"""Running the CLI (in process, or as the real console script) and real local servers from tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.index.knowledge_index import KnowledgeIndex

BIN = Path(sys.executable).parent


def index_env(index: KnowledgeIndex) -> dict[str, str]:
    """The environment that points a ``kezhuan`` call at an index built by a fixture."""
    return {"KEZHUAN_DATA_DIR": str(index.data_dir), "KEZHUAN_CACHE_DIR": str(index.settings.embedding_cache_dir)}


@dataclass(frozen=True)
class Ran:
    """What one in-process ``kezhuan`` call returned and printed."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.stdout)
        return payload

    @property
    def error_lines(self) -> list[str]:
        return self.stderr.strip().splitlines()


def run_cli(*args: str, env: Mapping[str, str], stdin: str | bytes | None = None) -> Ran:
    """Run ``kezhuan ARGS`` in this process through ``assistant.cli.main``, as the console script does.

    Seconds faster than :func:`kezhuan` (no interpreter start, the model stays loaded), with
    the same streams, exit code and environment: KEZHUAN_/OPENAI_ variables not in ``env``
    are unset for the call. A bug inside the command raises here, with its traceback.
    """
    from typer.testing import CliRunner

    from assistant.cli import main

    unset = {k: None for k in os.environ if k.startswith(("KEZHUAN_", "OPENAI_")) and k not in env}
    with CliRunner().isolation(input=stdin, env={**unset, **env}) as (stdout, stderr, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Ran(code, stdout.getvalue().decode(), stderr.getvalue().decode())


def kezhuan(
    *args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``kezhuan ARGS`` as a user would."""
    return subprocess.run(
        [str(BIN / "kezhuan"), *args], env=env, input=stdin, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextmanager
def serve(command: list[str], port: int) -> Iterator[int]:
    """Run a server process until the block ends; yields its port once it listens."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
