"""The pinned Unicode tables: one source for Python and C, regenerable, and unchanged output.

* native/ls_unicode_data.h is rendered from sdk/linkscreen/_unicode_data.py, byte for byte;
* the C core's table equals Python's at every code point;
* with the pinned sources installed (idna 3.20, unicodedata2 18.0.0) both files regenerate;
* against the idna + unicodedata mapping the SDK used before the tables, nothing changes for
  any character assigned in this Python's Unicode version (canonical output is a contract).
"""

from __future__ import annotations

import importlib.util
import random
import re
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from linkscreen import _probe, _unicode
from linkscreen import _unicode_data as data

ROOT = Path(__file__).resolve().parents[1]
HEADER = ROOT / "native" / "ls_unicode_data.h"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_tables", ROOT / "native/unicode/gen_tables.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_c_header_is_rendered_from_the_python_tables() -> None:
    assert HEADER.read_text() == _generator().render_c(data), "run native/unicode/gen_tables.py"


def test_versions_and_licence_are_recorded() -> None:
    assert (data.UNICODE_VERSION, data.UTS46_SOURCE, data.NFC_SOURCE) == (
        "18.0.0",
        "idna 3.20",
        "unicodedata2 18.0.0",
    )
    assert "Unicode License V3" in (data.__doc__ or "")
    assert "UNICODE LICENSE V3" in (ROOT / "native/unicode/LICENSE-UNICODE.txt").read_text()


def test_tables_regenerate_from_the_pinned_sources() -> None:
    idna = pytest.importorskip("idna")
    unicodedata2 = pytest.importorskip("unicodedata2")
    if idna.__version__ != "3.20" or unicodedata2.unidata_version != "18.0.0":
        pytest.skip(f"pinned sources not installed (idna {idna.__version__})")
    text = _generator().build_module_text()
    assert text == (ROOT / "sdk/linkscreen/_unicode_data.py").read_text()


@pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")
def test_c_and_python_tables_agree_at_every_code_point() -> None:
    starts, statuses, replacements = data.UTS46_STARTS, data.UTS46_STATUS, data.UTS46_REPLACEMENTS
    row = 0
    for cp in range(0x110000):
        while row + 1 < len(starts) and starts[row + 1] <= cp:
            row += 1
        status, replacement = _probe.uts46_map(cp)
        assert status == statuses[row], hex(cp)
        assert replacement == (replacements[row] if status == "M" else ""), hex(cp)


def _old_remap(text: str) -> str | None:
    """What _host.py computed before the pinned tables: idna's table, this Python's NFC."""
    idna = pytest.importorskip("idna")
    try:
        mapped: str = idna.uts46_remap(text, std3_rules=False)
    except (idna.IDNAError, UnicodeError, IndexError):
        return None
    return mapped


def _new_remap(text: str) -> str | None:
    try:
        return _unicode.uts46_remap(text)
    except _unicode.UnicodeMapError:
        return None


def _assigned(text: str) -> bool:
    return all(unicodedata.category(ch) != "Cn" for ch in text)


def test_no_change_from_the_idna_mapping_for_assigned_characters() -> None:
    """Single code points everywhere, and mixed strings of the characters NFC touches."""
    changed = []
    # Every code point of the BMP and the SMP; every 7th beyond (ideographs, tags, private use).
    for cp in [*range(0x80, 0x20000), *range(0x20000, 0x110000, 7)]:
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if _assigned(ch) and _old_remap(ch) != _new_remap(ch):
            changed.append(hex(cp))
    assert changed == []
    pool = [chr(c) for c in data.CCC] + [k[0] for k in data.COMPOSITION] + ["a", ".", "Ａ", "ß"]
    pool = [c for c in pool if _assigned(c)]
    rng = random.Random(46)
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(1, 6)))
        assert _old_remap(text) == _new_remap(text), ascii(text)


def test_nfc_matches_this_pythons_unicodedata_on_assigned_text() -> None:
    rng = random.Random(15)
    pool = [chr(c) for c in data.CCC] + list(data.COMPOSITION.values())
    pool += [chr(c) for c in data.DECOMPOSITION] + ["\u1100", "\u1161", "\u11a8", "가"]
    pool = [c for c in pool if _assigned(c)]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(1, 7)))
        assert _unicode.nfc(text) == unicodedata.normalize("NFC", text), ascii(text)


def test_mapping_bound_and_disallowed_code_points_refuse() -> None:
    with pytest.raises(_unicode.UnicodeMapError):
        _unicode.uts46_remap("a" * (_unicode.MAX_MAPPED_INPUT_CHARS + 1))
    with pytest.raises(_unicode.UnicodeMapError):
        _unicode.uts46_remap("a\u0080b")  # a C1 control: disallowed
    assert _unicode.uts46_remap("ＥＸＡＭＰＬＥ。ｃｏｍ") == "example.com"
    assert _unicode.uts46_remap("a\u00adb") == "ab"  # soft hyphen: ignored
    assert _unicode.uts46_remap("e\u0301") == "é"  # NFC after mapping


def test_the_sdk_no_longer_imports_idna_for_canonical_hosts() -> None:
    for name in ("_host.py", "_unicode.py", "canonical.py", "_percent.py"):
        source = (ROOT / "sdk/linkscreen" / name).read_text()
        assert re.search(r"^\s*(import|from) (idna|unicodedata)\b", source, re.M) is None, name
