"""Generate the pinned Unicode tables that canonicalisation reads, in Python and in C.

Canonical hosts depend on two pieces of Unicode data: the UTS #46 mapping (full-width letters,
ideographic dots, soft hyphens...) and Normalization Form C, which UTS #46 applies after
mapping. Taking them from whatever ``idna`` and ``unicodedata`` are installed would let a
server and a client, or the C core and Python, compute different expressions for one URL. So
both read tables generated here, once, from pinned sources:

* UTS #46 mapping: ``idna==3.20`` (its ``uts46data``, from IdnaMappingTable.txt 18.0.0);
* NFC: ``unicodedata2==18.0.0`` (the Unicode Character Database 18.0.0).

Run it in an environment holding exactly those two packages::

    python native/unicode/gen_tables.py          # writes both files
    python native/unicode/gen_tables.py --check  # fails if either file would change

It writes ``sdk/linkscreen/_unicode_data.py`` (the source of truth, read by ``_host.py``) and
renders ``native/ls_unicode_data.h`` from that module (``render_c``), so the C tables are a
pure function of the Python ones; tests/test_unicode_tables.py checks both, and the C core
against Python at every code point. Licence: native/unicode/LICENSE-UNICODE.txt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PY_OUT = ROOT / "sdk" / "linkscreen" / "_unicode_data.py"
C_OUT = ROOT / "native" / "ls_unicode_data.h"

UNICODE_VERSION = "18.0.0"
IDNA_VERSION = "3.20"
UNICODEDATA2_VERSION = "18.0.0"

#: Effective statuses for non-transitional processing without STD3 rules: K keep (UTS #46
#: "valid" and "deviation"), M mapped, I ignored (removed), X disallowed.
STATUSES = "KMIX"

SBASE, LBASE, VBASE, TBASE = 0xAC00, 0x1100, 0x1161, 0x11A7
SCOUNT = 11172

NOTICE = (
    "Derived from the Unicode Character Database and the UTS #46 IDNA Mapping Table, Unicode\n"
    "18.0.0 (via idna 3.20 and unicodedata2 18.0.0). Copyright (c) 1991-2025 Unicode, Inc.\n"
    "Distributed under the Unicode License V3: see native/unicode/LICENSE-UNICODE.txt."
)


def _uts46_rows() -> tuple[list[int], str, list[str]]:
    import idna  # type: ignore[import-untyped]
    from idna import uts46data  # type: ignore[import-untyped]

    if idna.__version__ != IDNA_VERSION or uts46data.__version__ != UNICODE_VERSION:
        sys.exit(f"need idna=={IDNA_VERSION} (UTS #46 {UNICODE_VERSION}), have {idna.__version__}")
    starts: list[int] = []
    statuses: list[str] = []
    replacements: list[str] = []
    for start, status_byte, replacement in zip(
        uts46data.uts46_starts, uts46data.uts46_statuses, uts46data.uts46_replacements, strict=True
    ):
        status = {"V": "K", "D": "K", "M": "M", "I": "I"}.get(chr(status_byte), "X")
        if status == "M" and not replacement:
            status = "I"  # mapped to nothing: removed, exactly as idna does
        text = (replacement or "") if status == "M" else ""
        if statuses and status != "M" and statuses[-1] == status:
            continue  # merge a run of equal keep/ignore/disallow rows
        starts.append(start)
        statuses.append(status)
        replacements.append(text)
    return starts, "".join(statuses), replacements


def _nfc_tables() -> tuple[dict[int, int], dict[int, str], dict[str, str]]:
    import unicodedata2  # type: ignore[import-not-found]

    if unicodedata2.unidata_version != UNICODE_VERSION:
        sys.exit(f"need unicodedata2 {UNICODEDATA2_VERSION}, have {unicodedata2.unidata_version}")
    ccc: dict[int, int] = {}
    decomposition: dict[int, str] = {}
    composition: dict[str, str] = {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        combining = unicodedata2.combining(ch)
        if combining:
            ccc[cp] = combining
        if SBASE <= cp < SBASE + SCOUNT:
            continue  # Hangul syllables are algorithmic
        nfd = unicodedata2.normalize("NFD", ch)
        if nfd != ch:
            decomposition[cp] = nfd
        raw = unicodedata2.decomposition(ch)
        if raw and not raw.startswith("<"):
            parts = [chr(int(p, 16)) for p in raw.split()]
            pair = "".join(parts)
            if len(parts) == 2 and unicodedata2.normalize("NFC", pair) == ch:
                composition[pair] = ch
    return ccc, decomposition, composition


def _self_check(module: ModuleType) -> None:
    """The table-driven NFC equals unicodedata2's on every code point and on pairs."""
    import random

    import unicodedata2

    sys.path.insert(0, str(ROOT / "sdk"))
    from linkscreen._unicode import nfc

    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        assert nfc(ch) == unicodedata2.normalize("NFC", ch), hex(cp)
    interesting = [chr(c) for c in module.CCC] + [k[0] for k in module.COMPOSITION]
    interesting += [k[1] for k in module.COMPOSITION] + [chr(c) for c in module.DECOMPOSITION]
    rng = random.Random(46)
    for _ in range(200_000):
        text = "".join(rng.choice(interesting) for _ in range(rng.randrange(1, 6)))
        assert nfc(text) == unicodedata2.normalize("NFC", text), ascii(text)


def build_module_text() -> str:
    starts, statuses, replacements = _uts46_rows()
    ccc, decomposition, composition = _nfc_tables()
    lines = [
        '"""Pinned Unicode data for canonical hosts: UTS #46 mapping and NFC. '
        "GENERATED, do not edit.",
        "",
        "Written by native/unicode/gen_tables.py; native/ls_unicode_data.h is rendered from this",
        "module, so the C core and Python read the same tables. " + NOTICE.replace("\n", " "),
        '"""',
        "",
        "# fmt: off",
        "# ruff: noqa: E501, RUF001",
        f'UNICODE_VERSION = "{UNICODE_VERSION}"',
        f'UTS46_SOURCE = "idna {IDNA_VERSION}"',
        f'NFC_SOURCE = "unicodedata2 {UNICODEDATA2_VERSION}"',
        "#: Row i covers code points UTS46_STARTS[i] .. UTS46_STARTS[i+1]-1.",
        "UTS46_STARTS = (" + ",".join(str(s) for s in starts) + ",)",
        "#: K keep, M mapped (to UTS46_REPLACEMENTS[i]), I ignored, X disallowed.",
        f'UTS46_STATUS = "{statuses}"',
        "UTS46_REPLACEMENTS = (" + ",".join(ascii(r) for r in replacements) + ",)",
        "#: Canonical combining class of every code point whose class is not 0.",
        "CCC = {" + ",".join(f"{cp}:{value}" for cp, value in sorted(ccc.items())) + "}",
        "#: Full canonical decomposition (NFD of the one code point); Hangul is algorithmic.",
        "DECOMPOSITION = {"
        + ",".join(f"{cp}:{text!a}" for cp, text in sorted(decomposition.items()))
        + "}",
        "#: Primary composites: the two code points of a canonical pair -> the composite.",
        "COMPOSITION = {"
        + ",".join(f"{pair!a}:{ch!a}" for pair, ch in sorted(composition.items()))
        + "}",
        "",
    ]
    return "\n".join(lines)


def _c_array(ctype: str, name: str, values: list[Any], per_line: int = 12) -> str:
    rows = []
    for i in range(0, len(values), per_line):
        rows.append("    " + ", ".join(str(v) for v in values[i : i + per_line]) + ",")
    body = "\n".join(rows) if rows else "    0,"
    return f"static const {ctype} {name}[{max(len(values), 1)}] = {{\n{body}\n}};\n"


def render_c(module: ModuleType) -> str:
    """The C header for the tables in ``module`` (linkscreen._unicode_data)."""
    starts = list(module.UTS46_STARTS)
    statuses = [ord(s) for s in module.UTS46_STATUS]
    pool = bytearray()
    offsets = []
    lengths = []
    for text in module.UTS46_REPLACEMENTS:
        data = text.encode("utf-8")
        offsets.append(len(pool))
        lengths.append(len(data))
        pool += data
    ccc_cps = sorted(module.CCC)
    decomp_cps = sorted(module.DECOMPOSITION)
    decomp_pool: list[int] = []
    decomp_offsets = []
    for cp in decomp_cps:
        decomp_offsets.append(len(decomp_pool) << 3 | len(module.DECOMPOSITION[cp]))
        decomp_pool.extend(ord(c) for c in module.DECOMPOSITION[cp])
    pairs = sorted(((ord(k[0]) << 21 | ord(k[1])), ord(v)) for k, v in module.COMPOSITION.items())
    seconds = sorted({ord(k[1]) for k in module.COMPOSITION})
    max_expand = max(lengths)
    out = [
        "/* Pinned Unicode data for canonical hosts: UTS #46 mapping and NFC. GENERATED by",
        " * native/unicode/gen_tables.py from sdk/linkscreen/_unicode_data.py; do not edit.",
        " * " + NOTICE.replace("\n", "\n * "),
        " */",
        "#ifndef LS_UNICODE_DATA_H",
        "#define LS_UNICODE_DATA_H",
        "#include <stdint.h>",
        f'#define LS_UNICODE_VERSION "{module.UNICODE_VERSION}"',
        f"#define LS_UTS46_ROWS {len(starts)}",
        f"#define LS_UTS46_MAX_REPLACEMENT_BYTES {max_expand}",
        f"#define LS_CCC_COUNT {len(ccc_cps)}",
        f"#define LS_DECOMP_COUNT {len(decomp_cps)}",
        f"#define LS_COMPOSE_COUNT {len(pairs)}",
        f"#define LS_COMPOSE_SECOND_COUNT {len(seconds)}",
        _c_array("uint32_t", "LS_UTS46_START", starts),
        _c_array("uint8_t", "LS_UTS46_STATUS", statuses, 24),
        _c_array("uint32_t", "LS_UTS46_OFFSET", offsets),
        _c_array("uint8_t", "LS_UTS46_LENGTH", lengths, 24),
        _c_array("uint8_t", "LS_UTS46_POOL", list(pool), 24),
        _c_array("uint32_t", "LS_CCC_CP", ccc_cps),
        _c_array("uint8_t", "LS_CCC_VALUE", [module.CCC[c] for c in ccc_cps], 24),
        _c_array("uint32_t", "LS_DECOMP_CP", decomp_cps),
        "/* offset into LS_DECOMP_POOL << 3 | length (1..4 code points) */",
        _c_array("uint32_t", "LS_DECOMP_INDEX", decomp_offsets),
        _c_array("uint32_t", "LS_DECOMP_POOL", decomp_pool),
        "/* first << 21 | second, sorted; LS_COMPOSE_TO is the composite */",
        _c_array("uint64_t", "LS_COMPOSE_KEY", [f"{k}ULL" for k, _ in pairs], 6),
        _c_array("uint32_t", "LS_COMPOSE_TO", [v for _, v in pairs]),
        "/* every code point that is the second of a composition pair, sorted */",
        _c_array("uint32_t", "LS_COMPOSE_SECOND", seconds),
        "#endif",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a file would change")
    args = parser.parse_args()
    text = build_module_text()
    module = ModuleType("_unicode_data")
    exec(compile(text, str(PY_OUT), "exec"), module.__dict__)
    header = render_c(module)
    if args.check:
        stale = [p for p, t in ((PY_OUT, text), (C_OUT, header)) if p.read_text() != t]
        for path in stale:
            print(f"{path} is out of date; run {Path(__file__).name}", file=sys.stderr)
        return 1 if stale else 0
    PY_OUT.write_text(text)
    C_OUT.write_text(header)
    _self_check(module)
    print(f"wrote {PY_OUT.relative_to(ROOT)} and {C_OUT.relative_to(ROOT)}; NFC self-check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
