"""Conversation context: the hosts and host-less paths of a conversation's recent messages.

People split a link across messages ("it's on bad example" ... "then album/9") or send the
path before the host. A :class:`Conversation` remembers, in memory only, the last few hosts
and paths of one conversation so that :meth:`linkscreen.Matcher.scan_text` can join them
with the next message. Nothing is persisted or sent anywhere; the bounds keep it small.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["MAX_CONVERSATION_HOSTS", "MAX_CONVERSATION_PATHS", "Context", "Conversation"]

#: Recent distinct hosts kept per conversation (a host-less path is tried with each).
MAX_CONVERSATION_HOSTS = 8
#: Recent distinct host-less paths kept per conversation (each is tried with a later host).
MAX_CONVERSATION_PATHS = 8


class Context(NamedTuple):
    """What a conversation holds when a message is scanned, read at one moment."""

    hosts: tuple[str, ...]
    """Hosts named in recent messages, most recent last."""
    paths: tuple[str, ...]
    """Host-less paths of recent messages, most recent last."""
    hosts_evicted: bool
    """A host that would still be recent was pushed out by ``max_hosts``: a host-less path
    of this message may belong to it (the scan says so)."""
    paths_evicted: bool
    """Likewise a path pushed out by ``max_paths``, for a host named in this message."""


class Conversation:
    """Recent hosts and host-less paths of one conversation, bounded and in memory.

    Thread-safe: every read and update is atomic (a lock); two messages of one conversation
    scanned at the same time each see the context as it was when their scan started. Use
    one per conversation; ``clear()`` it when the person leaves or deletes the conversation.
    Older entries drop out first, and an entry is forgotten after ``max_age`` messages. An
    entry pushed out by the bound while it was still recent is remembered as a count only, so
    that :meth:`linkscreen.Matcher.scan_text` can say the context was trimmed (docs/extraction.md).
    """

    __slots__ = ("_evicted", "_hosts", "_lock", "_max_age", "_messages", "_paths")

    def __init__(
        self,
        max_hosts: int = MAX_CONVERSATION_HOSTS,
        max_paths: int = MAX_CONVERSATION_PATHS,
        max_age: int = 20,
    ) -> None:
        if max_hosts < 0 or max_paths < 0 or max_age < 1:
            raise ValueError("max_hosts and max_paths must be >= 0 and max_age >= 1")
        self._hosts: deque[tuple[str, int]] = deque(maxlen=max_hosts)
        self._paths: deque[tuple[str, int]] = deque(maxlen=max_paths)
        self._max_age = max_age
        self._messages = 0
        # the newest "seen" message number of an entry pushed out by the bound, per deque
        self._evicted = [-max_age, -max_age]
        self._lock = threading.Lock()

    @property
    def hosts(self) -> tuple[str, ...]:
        """Hosts named in recent messages, most recent last."""
        with self._lock:
            return self._fresh(self._hosts)

    @property
    def paths(self) -> tuple[str, ...]:
        """Host-less paths of recent messages, most recent last."""
        with self._lock:
            return self._fresh(self._paths)

    def context(self) -> Context:
        """Hosts, paths and whether recent ones were pushed out, read under one lock."""
        with self._lock:
            recent = [self._messages - seen < self._max_age for seen in self._evicted]
            return Context(self._fresh(self._hosts), self._fresh(self._paths), *recent)

    def _fresh(self, items: deque[tuple[str, int]]) -> tuple[str, ...]:
        return tuple(value for value, seen in items if self._messages - seen < self._max_age)

    def remember(self, hosts: Iterable[str], paths: Iterable[str]) -> None:
        """Record one message's hosts and host-less paths (counts as one message)."""
        with self._lock:
            self._messages += 1
            for which, (items, values) in enumerate(((self._hosts, hosts), (self._paths, paths))):
                for value in values:
                    if not value or items.maxlen == 0:
                        continue
                    for index, (old, _) in enumerate(items):
                        if old == value:
                            del items[index]
                            break
                    else:
                        if len(items) == items.maxlen:  # the oldest is pushed out
                            self._evicted[which] = max(self._evicted[which], items[0][1])
                    items.append((value, self._messages))

    def clear(self) -> None:
        """Forget everything (the conversation was closed or deleted)."""
        with self._lock:
            self._hosts.clear()
            self._paths.clear()
            self._evicted = [-self._max_age, -self._max_age]

    def __repr__(self) -> str:
        return f"Conversation(hosts={len(self._hosts)}, paths={len(self._paths)})"
