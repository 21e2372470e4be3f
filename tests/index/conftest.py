"""Index fixtures shared by the server-mode tests and the store contract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import BIN, free_port, serve


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real Chroma server on a free loopback port, started once for every test that needs one."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    with serve([str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)], port):
        yield port
