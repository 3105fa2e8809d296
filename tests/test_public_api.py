"""The public surface keeps its promises: thread-safety stated on every class, frozen results,
StrEnums, Bundle's lifetime, and no bare OSError or ValueError escaping a public call.

The error scan feeds each documented entry point the inputs an app meets in the wild (missing
and unreadable files, a directory, garbage and truncated bundles, keys of the wrong shape,
hostile URLs and locales) and accepts only ``linkscreen.LinkscreenError`` subclasses.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import Action, Bundle, BundleClosedError, LinkscreenError, Matcher

VECTORS = Path(__file__).parent / "vectors"
#: Loopback, nothing listening: a refresh fails fast without leaving the machine.
REFUSED = "http://127.0.0.1:1/"
TINY = VECTORS / "tiny.bundle"
PUBLIC = VECTORS / "test-signing.pub"
CLASSES = sorted(
    name
    for name in linkscreen.__all__
    if inspect.isclass(getattr(linkscreen, name))
    and not issubclass(getattr(linkscreen, name), BaseException)
)


@pytest.mark.parametrize("name", CLASSES)
def test_every_public_class_states_its_thread_safety(name: str) -> None:
    doc = inspect.getdoc(getattr(linkscreen, name)) or ""
    assert "thread" in doc.lower(), f"linkscreen.{name}'s docstring says nothing about threads"


@pytest.mark.parametrize("name", CLASSES)
def test_value_classes_are_frozen_and_kinds_are_str_enums(name: str) -> None:
    cls = getattr(linkscreen, name)
    if dataclasses.is_dataclass(cls):
        assert cls.__dataclass_params__.frozen, name  # type: ignore[attr-defined]
    if issubclass(cls, enum.Enum):
        assert issubclass(cls, enum.StrEnum), name


def test_findings_is_a_frozen_sequence_not_a_list(tmp_path: Path) -> None:
    with Bundle.open(TINY, [PUBLIC]) as bundle:
        findings = Matcher(bundle).scan_text("see http://blocked-host.example/ now")
    assert isinstance(findings, Sequence)
    assert not isinstance(findings, list)
    assert isinstance(findings[0].techniques, tuple)
    with pytest.raises(AttributeError):
        findings.notes = ()  # type: ignore[misc]
    assert not hasattr(findings, "append")
    assert isinstance(findings.action, Action)


def test_bundle_is_a_context_manager_and_close_is_final() -> None:
    with Bundle.open(TINY, [PUBLIC]) as bundle:
        matcher = Matcher(bundle)
        assert not bundle.closed
    assert bundle.closed
    with pytest.raises(BundleClosedError):
        bundle.lists  # noqa: B018
    with pytest.raises(BundleClosedError):
        Matcher(bundle)
    # a Matcher keeps what it needs
    assert matcher.check_url("http://blocked-host.example/").action is Action.BLOCK
    bundle.close()  # closing twice is harmless


def _bad_inputs(tmp: Path) -> list[tuple[str, Callable[[], Any]]]:
    (tmp / "dir").mkdir()
    (tmp / "empty").write_bytes(b"")
    (tmp / "garbage").write_bytes(b"\xff" * 300)
    data = TINY.read_bytes()
    (tmp / "truncated").write_bytes(data[:-10])
    (tmp / "key.txt").write_text("not a key")
    keys: list[Any] = [PUBLIC]
    return [
        ("open missing", lambda: Bundle.open(tmp / "missing", keys)),
        ("open directory", lambda: Bundle.open(tmp / "dir", keys)),
        ("open empty", lambda: Bundle.open(tmp / "empty", keys)),
        ("open garbage", lambda: Bundle.open(tmp / "garbage", keys)),
        ("open truncated", lambda: Bundle.open(tmp / "truncated", keys)),
        ("open with a missing key file", lambda: Bundle.open(TINY, [tmp / "nokey.pub"])),
        ("open with a garbage key file", lambda: Bundle.open(TINY, [tmp / "key.txt"])),
        ("open with a short raw key", lambda: Bundle.open(TINY, [b"\x01" * 5])),
        ("open with no keys", lambda: Bundle.open(TINY, [])),
        ("from_bytes garbage", lambda: Bundle.from_bytes(b"LSBUNDLE" + b"\0" * 200, keys)),
        ("from_payload bad hash", lambda: Bundle.from_payload(data[32:-64], sha256="00")),
        ("open_payload missing", lambda: Bundle.open_payload(tmp / "missing", sha256="00")),
        ("open_payload directory", lambda: Bundle.open_payload(tmp / "dir", sha256="00")),
        ("load_public_key missing", lambda: linkscreen.load_public_key(tmp / "missing")),
        ("load_public_key garbage", lambda: linkscreen.load_public_key(tmp / "key.txt")),
        ("load_public_key directory", lambda: linkscreen.load_public_key(tmp / "dir")),
        ("canonicalize javascript:", lambda: linkscreen.canonicalize("javascript:alert(1)")),
        ("canonicalize bad port", lambda: linkscreen.canonicalize("http://a.example:99999/")),
        ("canonicalize NUL host", lambda: linkscreen.canonicalize("http://a\0b.example/")),
        ("canonicalize bad IPv6", lambda: linkscreen.canonicalize("http://[1:2/")),
        ("canonicalize huge", lambda: linkscreen.canonicalize("http://a.example/" + "a" * 40000)),
        ("canonicalize surrogate", lambda: linkscreen.canonicalize("http://\ud800.example/")),
        ("variants of nothing", lambda: linkscreen.canonical_variants("")),
        ("expressions bad", lambda: linkscreen.expressions("http:///")),
        ("expressions huge host", lambda: linkscreen.expressions("http://" + "a." * 200 + "x/")),
        ("registrable_domain bad", lambda: linkscreen.registrable_domain("..")),
        ("registrable_domain empty", lambda: linkscreen.registrable_domain("")),
        ("registrable_domain IP", lambda: linkscreen.registrable_domain("[::1]")),
        ("extract_links surrogates", lambda: linkscreen.extract_links("\ud800 a.example \udfff")),
        ("Updater with no key", lambda: linkscreen.Updater(tmp / "s", REFUSED, []).refresh()),
        ("Updater with a bad key", lambda: linkscreen.Updater(tmp, REFUSED, [tmp / "key.txt"])),
        ("refresh into a file", lambda: linkscreen.Updater(tmp / "empty", REFUSED, keys).refresh()),
        (
            "refresh, nothing listening",
            lambda: linkscreen.Updater(tmp / "s", REFUSED, keys).refresh(),
        ),
        ("refresh ftp:", lambda: linkscreen.Updater(tmp / "s", "ftp://a.example/", keys).refresh()),
    ]


def test_no_oserror_or_valueerror_escapes_a_public_call(tmp_path: Path) -> None:
    escaped = []
    for what, call in _bad_inputs(tmp_path):
        try:
            call()
        except LinkscreenError:
            continue
        except (OSError, ValueError, KeyError, IndexError) as exc:  # UnicodeError is a ValueError
            escaped.append(f"{what}: {type(exc).__name__}: {exc}")
    assert escaped == []


HOSTILE_URLS = [
    "",
    " ",
    "http://",
    "http://[",
    "http://a.example:-1/",
    "http://a.example:65536/",
    "http://%zz.example/",
    "http://%00.example/",
    "http://xn--/",
    "http://xn--zzzzzzzz-.example/",
    "http://a\u200b.example/",
    "http://\ud800.example/",
    "http://" + "a" * 300 + ".example/",
    "http://a.example/" + "%25" * 5000,
    "http://1.2.3.4.5/",
    "http://0x1g/",
    "\x00\x01\x02",
    "mailto:a@b.example",
]


@pytest.mark.parametrize("pure", [False, True], ids=["default core", "pure"])
def test_checking_never_raises_on_hostile_input(
    pure: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check_url, scan_text and message() answer; they document no error for bad input."""
    if pure:
        monkeypatch.setenv("LINKSCREEN_PURE", "1")
    with Bundle.open(TINY, [PUBLIC]) as bundle:
        matcher = Matcher(bundle)
    for url in HOSTILE_URLS:
        verdict = matcher.check_url(url)
        assert isinstance(verdict.action, Action)
        verdict.message("\ud800")
        verdict.message(["", "x" * 10_000, "zh-Hant-TW", "pt_BR.UTF-8"])
    findings = matcher.scan_text(" ".join(HOSTILE_URLS))
    findings.message(None)
