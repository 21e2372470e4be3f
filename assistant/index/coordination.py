"""Who may write the index now, and has it changed since I last looked: one answer per deployment.

Two mechanisms behind one interface, chosen by where the vectors live:

- **embedded** (one machine): a marker file ``index.version`` that every writer replaces
  and an ``flock`` on ``write.lock``, both in the data dir;
- **server** (``KEZHUAN_CHROMA_HOST``, any number of app machines): a ``version`` record and
  a ``lock`` record with an expiry time, kept in the Chroma collection's companion
  ``<collection>_meta`` (:class:`MetaRecords`), so every instance behind a load balancer sees
  the same version and no two ingests interleave wherever they run.

Usage example::

    coordinator = ChromaCoordinator(store.meta)
    with coordinator.lock(wait=5):
        ...  # write
        coordinator.bump()
"""

from __future__ import annotations

import fcntl
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from assistant.errors import IndexBusyError

__all__ = ["LOCK_TTL", "ChromaCoordinator", "Coordinator", "FileCoordinator", "MetaRecords"]

LOCK_TTL = 300.0  # seconds a server-mode lock lives without renewal (a crashed ingest frees it)
POLL = 0.2  # seconds between attempts while another writer holds the lock


class Coordinator(Protocol):
    """The version every writer changes, and the lock it holds while writing."""

    def version(self) -> str:
        """An opaque token that changes whenever any writer changed the index."""
        ...

    def bump(self) -> str:
        """Record that this writer changed the index; returns the new token."""
        ...

    def lock(self, wait: float) -> AbstractContextManager[None]:
        """Hold the write lock for the block; :class:`IndexBusyError` after ``wait`` seconds."""
        ...

    def renew(self) -> None:
        """Tell other writers that the holder is still alive (long ingests)."""
        ...


class FileCoordinator:
    """The embedded mode: a version file and an flock, in the data dir of the one machine."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._version_path = data_dir / "index.version"

    def version(self) -> str:
        try:
            return self._version_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def bump(self) -> str:
        """Write-then-rename: a reader never sees half a token."""
        token = uuid.uuid4().hex
        tmp = self._version_path.with_suffix(".tmp")
        tmp.write_text(token, encoding="utf-8")
        os.replace(tmp, self._version_path)
        return token

    @contextmanager
    def lock(self, wait: float) -> Iterator[None]:
        with (self.data_dir / "write.lock").open("a") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusyError(self.data_dir) from None
                    time.sleep(POLL)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def renew(self) -> None:
        """An flock lives as long as its process: nothing to renew."""


class MetaRecords(Protocol):
    """Small named records beside the chunks (``ChromaStore.meta``): the primitives a lock needs."""

    location: str

    def read(self, key: str) -> tuple[str, dict[str, str | float]] | None: ...

    def put(self, key: str, text: str, fields: dict[str, str | float] | None = None) -> None: ...

    def add(self, key: str, text: str, fields: dict[str, str | float]) -> None: ...

    def delete(self, key: str, owner: str | None = None) -> None: ...


class ChromaCoordinator:
    """The server mode: version and lock are records in Chroma, shared by every app instance.

    Chroma has no transactions, but two of its operations are enough for a lock: ``add``
    keeps an existing record (insert-if-absent) and ``delete`` with a ``where`` removes a
    record only while it still names the same owner (compare-and-delete). The holder reads
    the record back to learn whether its ``add`` won. An expired lock (the writer died) is
    removed by compare-and-delete, so two waiters cannot both take it over.

    :param meta: the records collection.
    :param ttl: seconds a lock lives unless renewed.
    """

    def __init__(self, meta: MetaRecords, *, ttl: float = LOCK_TTL) -> None:
        self.meta = meta
        self.ttl = ttl
        self._owner = ""

    def version(self) -> str:
        record = self.meta.read("version")
        return record[0] if record else ""

    def bump(self) -> str:
        token = uuid.uuid4().hex
        self.meta.put("version", token)
        return token

    @contextmanager
    def lock(self, wait: float) -> Iterator[None]:
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + wait
        while not self._take(owner):
            if time.monotonic() >= deadline:
                raise IndexBusyError(f"Chroma {self.meta.location}") from None
            time.sleep(POLL)
        self._owner = owner
        try:
            yield
        finally:
            self._owner = ""
            self.meta.delete("lock", owner=owner)

    def renew(self) -> None:
        """Push the expiry of a lock this process holds (called on every write batch)."""
        if self._owner and self._holder() == self._owner:
            self.meta.put("lock", "", {"owner": self._owner, "expires": time.time() + self.ttl})

    def _take(self, owner: str) -> bool:
        record = self.meta.read("lock")
        if record is not None:
            fields = record[1]
            if float(fields.get("expires", 0.0)) >= time.time():
                return False
            self.meta.delete("lock", owner=str(fields.get("owner", "")))  # only if still the dead writer's
        self.meta.add("lock", "", {"owner": owner, "expires": time.time() + self.ttl})
        return self._holder() == owner

    def _holder(self) -> str:
        record = self.meta.read("lock")
        return str(record[1].get("owner", "")) if record else ""
