"""Pages answered again from memory while nothing they show can have changed (页面缓存).

A page is a function of who asks (the user and their session), what they ask (path and query), the
business day and the read models' position: a cached answer is reused only while all four are the same.  The
position is read every few milliseconds by a small thread, so a request costs no query for it;
a user who has just recorded something (``duban_seen`` beyond the position known) is never served
from the cache: their page waits for the worker as usual (``web.freshness``).  Pages whose figures
are still being updated, errors and redirects are not kept.  Each web process keeps its own
bounded, least-recently-used store.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.stores.base import Store
from litestar.types import HTTPScope

from web.auth import SESSION_COOKIE
from web.context import Reads
from web.freshness import seen_position

STORE = "pages"
KEY = "page_cache_key"
SKIP = "page_cache_skip"


class BoundedMemoryStore(Store):
    """At most ``size`` entries, the least recently used dropped first; entries expire."""

    def __init__(self, size: int = 500) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _until(expires_in: int | timedelta | None) -> float | None:
        if expires_in is None:
            return None
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
        return time.monotonic() + seconds

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        with self._lock:
            self._entries[key] = (data, self._until(expires_in))
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[1] is not None and found[1] < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[0]

    async def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    async def delete_all(self) -> None:
        with self._lock:
            self._entries.clear()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        with self._lock:
            found = self._entries.get(key)
        if found is None or found[1] is None:
            return None
        return max(int(found[1] - time.monotonic()), 0)


class PageCache:
    """The cache's key and keep rules over one read side; ``start`` the position watcher."""

    def __init__(self, reads: Reads, *, in_process_worker: bool, every: float = 0.02, size: int = 500,
                 enabled: bool = True) -> None:
        self.reads = reads
        self.enabled = enabled  # off (DUBAN_PAGE_CACHE=0): every page is computed, e.g. to measure that
        self.in_process_worker = in_process_worker
        self.every = every
        self.store = BoundedMemoryStore(size)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "PageCache":
        self._thread = threading.Thread(target=self._watch, name="page-cache-position", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.reads.position()
            except Exception:  # noqa: BLE001 - the store is briefly away: the next round tries again
                continue

    def key(self, request: Request) -> str:
        """The same key for the lookup and for keeping the answer (worked out once a request)."""
        state = request.scope.setdefault("state", {})
        if KEY in state:
            return state[KEY]
        known = self.reads.known_position
        seen = seen_position(request)
        if self.in_process_worker:
            seen = max(seen, self.reads.app.saved_position)
        if seen > known:
            known = self.reads.position()  # perhaps passed since the watcher last looked
        session = request.cookies.get(SESSION_COOKIE, "")
        if seen > known or not session or not self.enabled:
            state[SKIP] = True
            key = f"skip:{uuid.uuid4().hex}"
        else:
            query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
            user = getattr(request.scope.get("user"), "username", "")  # authenticated already
            key = "|".join((user, session, request.cookies.get("csrftoken", ""), request.url.path, query,
                            self.reads.app.clock.today().isoformat(), str(known)))
        state[KEY] = key
        return key

    @staticmethod
    def keep(scope: HTTPScope, status: int) -> bool:
        state: dict[str, Any] = scope.get("state", {})
        return status == 200 and not state.get(SKIP) and not state.get("updating")


def page_cache_config() -> ResponseCacheConfig:
    """The app's response cache: keyed and kept by the page cache of the store it serves."""
    return ResponseCacheConfig(default_expiration=600, key_builder=_key, store=STORE,
                               cache_response_filter=PageCache.keep)


def _key(request: Request) -> str:
    return request.app.state.served.pages.key(request)


__all__ = ["PageCache", "page_cache_config", "BoundedMemoryStore", "STORE"]
