"""``import linkscreen`` is light: what it loads, checked in a fresh process.

An app imports the SDK at start-up on a phone. Only the pure, local parts may load then; the
network (Updater, Expander), cryptography (Bundle) and the matcher load when first used. Opening
a bundle and checking links (the device's whole job) loads no HTTP client, TLS, socket or
server module either: only the Updater, the Reporter and the opt-in Expander may.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import linkscreen

VECTORS = Path(__file__).resolve().parent / "vectors"

#: Modules no matching code may load: HTTP clients (the standard library's and tldextract's
#: stack), TLS, sockets, and the server with its web stack.
NO_NETWORK = (
    "http.client",
    "ssl",
    "socket",
    "urllib.request",
    "requests",
    "urllib3",
    "certifi",
    "tldextract",
    "filelock",
    "linkscreen_server",
    "starlette",
    "uvicorn",
    "httpx",
)

#: Modules ``import linkscreen`` must not load besides: the heavy parts that load on first use.
NOT_ON_IMPORT = (
    *NO_NETWORK,
    "cryptography",
    "dataclasses",  # the result types load on first use
    "typing",
    "linkscreen.psl",
    "linkscreen.results",
    "linkscreen.bundle",
    "linkscreen.expander",
    "linkscreen.extract",
    "linkscreen.matcher",
    "linkscreen.redirects",
    "linkscreen.reporter",
    "linkscreen.updater",
)


def _loaded_after(code: str, **env: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, **env},
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_import_loads_no_network_server_or_crypto_module() -> None:
    loaded = _loaded_after("import linkscreen")
    assert sorted(loaded & set(NOT_ON_IMPORT)) == []


#: The device's job end to end: open a bundle, check a URL, scan a message, read a message.
CHECK_LINKS = f"""
import linkscreen
with linkscreen.Bundle.open({str(VECTORS / "tiny.bundle")!r},
                            [{str(VECTORS / "test-signing.pub")!r}]) as bundle:
    matcher = linkscreen.Matcher(bundle)
    verdict = matcher.check_url("https://sub.blocked-host.example/any/page?x=1")
    findings = matcher.scan_text("see hxxp://blocked-host[.]example/x or www.other.example/y")
    verdict.message("pt-BR"), findings.message("zh-Hant-TW")
    assert verdict.action == "block", verdict
"""


@pytest.mark.parametrize("pure", ["0", "1"], ids=["C core", "pure Python"])
def test_checking_links_loads_no_http_tls_socket_or_server_module(pure: str) -> None:
    loaded = _loaded_after(CHECK_LINKS, LINKSCREEN_PURE=pure)
    assert "linkscreen.matcher" in loaded  # the probe ran what it means to
    assert sorted(loaded & set(NO_NETWORK)) == []


def test_the_probe_sees_a_network_module_when_one_loads() -> None:
    """The check above can fail: a matching path that reached for HTTP would be caught."""
    loaded = _loaded_after(CHECK_LINKS + "import urllib.request\n")
    assert {"http.client", "socket", "ssl", "urllib.request"} <= loaded


@pytest.mark.parametrize(
    ("name", "module"), sorted(linkscreen._LAZY.items()), ids=sorted(linkscreen._LAZY)
)
def test_lazy_names_resolve_to_their_definitions(name: str, module: str) -> None:
    value = getattr(linkscreen, name)
    assert getattr(importlib.import_module(f"linkscreen{module}"), name) is value
    assert getattr(value, "__module__", f"linkscreen{module}") == f"linkscreen{module}"
    assert name in dir(linkscreen)
    assert name in linkscreen.__all__


def test_every_public_name_is_reachable() -> None:
    namespace: dict[str, object] = {}
    exec("from linkscreen import *", namespace)
    assert set(linkscreen.__all__) <= set(namespace)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nonexistent'"):
        linkscreen.Nonexistent  # noqa: B018


def test_first_use_loads_the_matcher_on_demand() -> None:
    loaded = _loaded_after("import linkscreen\nlinkscreen.Matcher")
    assert {"linkscreen.matcher", "linkscreen.bundle"} <= loaded
