"""``import linkscreen`` is light: what it loads, checked in a fresh process.

An app imports the SDK at start-up on a phone. Only the pure, local parts may load then; the
network (Updater, Expander), cryptography (Bundle) and the matcher load when first used.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import linkscreen

#: Modules ``import linkscreen`` must not load: the server and its web stack, and the heavy
#: parts that load on first use.
NOT_ON_IMPORT = (
    "linkscreen_server",
    "starlette",
    "uvicorn",
    "httpx",
    "cryptography",
    "linkscreen.bundle",
    "linkscreen.expander",
    "linkscreen.extract",
    "linkscreen.matcher",
    "linkscreen.redirects",
    "linkscreen.reporter",
    "linkscreen.updater",
)


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout))


def test_import_loads_no_network_server_or_crypto_module() -> None:
    loaded = _loaded_after("import linkscreen")
    assert sorted(loaded & set(NOT_ON_IMPORT)) == []


@pytest.mark.parametrize(
    ("name", "module"), sorted(linkscreen._LAZY.items()), ids=sorted(linkscreen._LAZY)
)
def test_lazy_names_resolve_to_their_definitions(name: str, module: str) -> None:
    value = getattr(linkscreen, name)
    assert value.__module__ == f"linkscreen{module}"
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
