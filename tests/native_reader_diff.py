"""The C bundle reader judged against the Python one on every bundle a reader test opens.

``compare_readers`` (an autouse fixture for the bundle reader, security, format, vector and
delta test modules, see conftest.py) wraps ``Bundle``'s two entry points: each signed bundle
and each bare payload a test hands the Python reader is also opened by the C reader
(``ls_bundle_open`` with a ``cryptography`` signature hook, ``ls_bundle_open_payload``), and
the two must agree: both accept, or both refuse with the same exception class. On
acceptance the C reader's header, list table and shortener domains must equal Python's. A
disagreement fails the test that opened the bundle.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import linkscreen
from linkscreen import _probe
from linkscreen.errors import LinkscreenError

#: How many openings were compared, by outcome (for a look from a debugger or a plugin).
COMPARED: dict[str, int] = {}


def _outcome(run: Callable[[], Any]) -> tuple[Any, LinkscreenError | None]:
    try:
        return run(), None
    except LinkscreenError as exc:
        return None, exc


def _kind(error: BaseException | None) -> type[BaseException] | None:
    return None if error is None else type(error)


def _same_content(python: Any, c: _probe.NativeBundle) -> None:
    info = c.info()
    header = python.payload.header
    for name in (
        "format_version", "canonicalization_version", "section_count", "tag_bits", "created",
        "expires", "sequence", "salt", "bloom_seed", "bloom_k", "bloom_bits",
        "fingerprint_count", "list_count", "fingerprint_prefix_bytes", "psl_version",
    ):  # fmt: skip
        assert info[name] == getattr(header, name), name
    assert info["psl_embedded"] == python.psl_embedded
    assert info["shortener_policy"] == python.shortener_policy
    assert info["shortener_count"] == len(python.shortener_domains)
    assert c.lists() == python.lists
    for domain in sorted(python.shortener_domains)[:50]:
        assert c.is_shortened(f"http://{domain}/x"), domain
    if python.psl_embedded:
        rules = python.public_suffix_list.rules
        assert c.rule_count() == rules.rule_count


def _record(kind: str, python: type[BaseException] | None) -> None:
    key = f"{kind}: {'accepted' if python is None else python.__name__}"
    COMPARED[key] = COMPARED.get(key, 0) + 1


@pytest.fixture
def compare_readers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not _probe.NATIVE_AVAILABLE:
        yield
        return
    bundle_class = linkscreen.Bundle  # the reader's class (linkscreen.bundle.Bundle)
    from_verified = bundle_class._from_verified.__func__  # type: ignore[attr-defined]
    from_payload = bundle_class.from_payload.__func__  # type: ignore[attr-defined]

    def checked_from_verified(cls: type, data: bytes, keys: Any, path: str) -> Any:
        python, error = _outcome(lambda: from_verified(cls, data, keys, path))
        c, c_error = _outcome(lambda: _probe.NativeBundle.open(data, keys))
        assert _kind(c_error) == _kind(error), f"Python: {error!r}, C: {c_error!r}"
        _record("bundle", _kind(error))
        if error is not None:
            raise error  # the Python reader's own error, for the test to judge
        assert c is not None
        _same_content(python, c)
        return python

    def checked_from_payload(cls: type, payload: bytes, *, sha256: str, path: str = "") -> Any:
        def run() -> Any:
            if path:
                return from_payload(cls, payload, sha256=sha256, path=path)
            return from_payload(cls, payload, sha256=sha256)

        python, error = _outcome(run)
        digest = b""
        with contextlib.suppress(ValueError):
            digest = bytes.fromhex(sha256)
        if len(digest) == 32:
            c, c_error = _outcome(lambda: _probe.NativeBundle.from_payload(payload, digest))
            assert _kind(c_error) == _kind(error), f"Python: {error!r}, C: {c_error!r}"
            _record("payload", _kind(error))
            if c is not None:
                _same_content(python, c)
        if error is not None:
            raise error
        return python

    monkeypatch.setattr(bundle_class, "_from_verified", classmethod(checked_from_verified))
    monkeypatch.setattr(bundle_class, "from_payload", classmethod(checked_from_payload))
    yield
