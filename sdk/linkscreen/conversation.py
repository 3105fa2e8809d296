"""Conversation context: the hosts and host-less paths of a conversation's recent messages.

People split a link across messages ("it's on bad example" ... "then album/9") or send the
path before the host. A :class:`Conversation` remembers, in memory only, the last few hosts
and paths of one conversation so that :meth:`linkscreen.Matcher.scan_text` can join them
with the next message. Nothing is persisted or sent anywhere; the bounds keep it small.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Iterable
from typing import NamedTuple

__all__ = [
    "MAX_CONVERSATION_HOSTS",
    "MAX_CONVERSATION_PATHS",
    "Context",
    "Conversation",
    "Conversations",
]

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
        # (value, message number last seen, named plainly: a strict reading or a path)
        self._hosts: deque[tuple[str, int, bool]] = deque(maxlen=max_hosts)
        self._paths: deque[tuple[str, int, bool]] = deque(maxlen=max_paths)
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

    def _fresh(self, items: deque[tuple[str, int, bool]]) -> tuple[str, ...]:
        return tuple(value for value, seen, _ in items if self._messages - seen < self._max_age)

    def remember(
        self, hosts: Iterable[str], paths: Iterable[str], plain: Iterable[str] = ()
    ) -> None:
        """Record one message's hosts and host-less paths (counts as one message).

        ``plain`` are the hosts a strict reading named (a link as written, not a guess such as
        ``see you`` read as ``see.you``). When the bound is reached, an entry past ``max_age``
        goes first, then the oldest guessed host, and only then the oldest plain host or path:
        only that last kind is reported later (:meth:`context`), since a guess pushed out
        would be noise in every busy conversation."""
        named = frozenset(plain)
        with self._lock:
            self._messages += 1
            for which, (items, values) in enumerate(((self._hosts, hosts), (self._paths, paths))):
                for value in values:
                    if not value or items.maxlen == 0:
                        continue
                    told = which == 1 or value in named
                    for index, (old, _, was) in enumerate(items):
                        if old == value:
                            del items[index]
                            told = told or was
                            break
                    else:
                        if len(items) == items.maxlen:
                            self._push_out(items, which)
                    items.append((value, self._messages, told))

    def _push_out(self, items: deque[tuple[str, int, bool]], which: int) -> None:
        """Make room: a stale entry, else the oldest guess, else the oldest (reported)."""
        victim = next(
            (i for i, (_, seen, _) in enumerate(items) if self._messages - seen >= self._max_age),
            None,
        )
        if victim is None:
            victim = next((i for i, (_, _, told) in enumerate(items) if not told), None)
        if victim is None:
            victim = 0
            self._evicted[which] = max(self._evicted[which], items[0][1])
        del items[victim]

    def mark_forgotten(self) -> None:
        """Say that earlier context of this conversation was dropped (an app's own bound on
        how many conversations it keeps): for the next ``max_age`` messages a host-less path
        (or a host) is reported as possibly belonging to what was forgotten."""
        with self._lock:
            self._evicted = [self._messages, self._messages]

    def clear(self) -> None:
        """Forget everything (the conversation was closed or deleted)."""
        with self._lock:
            self._hosts.clear()
            self._paths.clear()
            self._evicted = [-self._max_age, -self._max_age]

    def __repr__(self) -> str:
        return f"Conversation(hosts={len(self._hosts)}, paths={len(self._paths)})"


class Conversations:
    """One :class:`Conversation` per key for the ``limit`` most recently active keys.

    Bounded memory: the least recently active conversation is dropped first. When a dropped
    key comes back, its new Conversation is marked forgotten (:meth:`Conversation.mark_forgotten`),
    so its scans say that a host-less path may belong to a host it no longer knows. Dropped
    keys are remembered up to ten times ``limit``; past that, every new key is treated as
    possibly dropped. :meth:`forget` (the person left or cleared it) marks nothing.
    Thread-safe.
    """

    __slots__ = ("_dropped", "_held", "_limit", "_lock", "_overflowed")

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be >= 1")
        self._limit = limit
        self._held: OrderedDict[str, Conversation] = OrderedDict()
        self._dropped: OrderedDict[str, None] = OrderedDict()
        self._overflowed = False
        self._lock = threading.Lock()

    def get(self, key: str) -> Conversation:
        """The conversation of ``key``, created on first use (and marked forgotten when the
        bound dropped it before)."""
        with self._lock:
            conversation = self._held.pop(key, None)
            if conversation is None:
                conversation = Conversation()
                if self._dropped.pop(key, 0) is None or self._overflowed:
                    conversation.mark_forgotten()
            self._held[key] = conversation
            while len(self._held) > self._limit:
                dropped, _ = self._held.popitem(last=False)
                self._dropped[dropped] = None
                if len(self._dropped) > 10 * self._limit:
                    self._dropped.popitem(last=False)
                    self._overflowed = True
            return conversation

    def forget(self, key: str) -> None:
        """Drop ``key``'s context on purpose (it comes back as a new conversation)."""
        with self._lock:
            self._held.pop(key, None)
            self._dropped.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)
