"""Generate sdk/linkscreen/_fold_table.py: the Unicode data link extraction folds text with.

Reads pinned Unicode Character Database and UTS #39 files (``--ucd DIR`` holding
UnicodeData.txt, DerivedCoreProperties.txt, Scripts.txt, confusables.txt, emoji-data.txt) and
writes compact tables; nothing is downloaded, by this script or at run time. The versions and
SHA-256 digests of the inputs are written into the table, and docs/extraction.md names them.

Tables (docs/extraction.md, "Folding"):

- ``DROP``: ranges removed from the as-written reading: General_Category Cf,
  Default_Ignorable_Code_Point (variation selectors, Hangul fillers...), and blank-looking
  fillers that Unicode classifies as symbols (U+2800 BRAILLE PATTERN BLANK).
- ``MARKS``: ranges of combining marks (Mn, Me): strike-through and underline generators.
- ``FOLD``: characters whose compatibility decomposition (NFKD, applied recursively) is ASCII
  letters, digits or ``-``: full-width, mathematical, circled, squared letters.
- ``SEPARATORS``: look-alikes of ``.`` ``,`` ``/`` ``:`` from UTS #39 prototypes and compatibility
  decompositions, tagged ``p`` (punctuation, General_Category P*) or ``s`` (anything else).
- ``SKELETON``: Latin-looking letters and digits of other scripts mapped to ASCII (UTS #39
  confusables, plus names: small capitals, regional indicators, negative squared letters).
- ``EMOJI``: ranges of Extended_Pictographic (emoji that may stand for a dot).

Run: ``python scripts/make_fold_table.py --ucd DIR``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "sdk" / "linkscreen" / "_fold_table.py"
FILES = (
    "UnicodeData.txt",
    "DerivedCoreProperties.txt",
    "Scripts.txt",
    "confusables.txt",
    "emoji-data.txt",
)
#: Letters fancy-text tools substitute where Unicode has no small capital (q), not in UTS #39.
FANCY_SUBSTITUTES = {0x01EB: "q", 0xA7AF: "q"}
#: Blank-looking characters that are not Default_Ignorable (fillers of fancy-text tools).
EXTRA_FILLERS = (0x2800,)
#: Scripts whose letters are never used to imitate Latin ones inside a Latin host: text in
#: them would only produce noise readings. (UTS #39 maps e.g. Katakana and Han strokes.)
SKELETON_EXCLUDED_SCRIPTS = frozenset(
    {"Han", "Hiragana", "Katakana", "Hangul", "Bopomofo", "Arabic", "Hebrew", "Syriac", "Thaana"}
    | {"Nko", "Yi"}
)
SEPARATOR_TARGETS = {".": ".", "\u00b7": ".", "\u02f3": ".", ",": ",", "/": "/", ":": ":"}
_NAMED_LETTER = re.compile(
    r"^(?:LATIN LETTER SMALL CAPITAL|REGIONAL INDICATOR SYMBOL LETTER|NEGATIVE SQUARED LATIN"
    r" CAPITAL LETTER|NEGATIVE CIRCLED LATIN CAPITAL LETTER|MODIFIER LETTER CAPITAL|MODIFIER"
    r" LETTER SMALL|LATIN SUBSCRIPT SMALL LETTER|SQUARED LATIN CAPITAL LETTER|CIRCLED LATIN"
    r" (?:CAPITAL|SMALL) LETTER|PARENTHESIZED LATIN (?:SMALL|CAPITAL) LETTER"
    r"|TAG LATIN (?:SMALL|CAPITAL) LETTER) ([A-Z])$"
)


_DIGITS = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")
_NAMED_DIGIT = re.compile(
    r"^(?:PARENTHESIZED DIGIT|DIGIT|NEGATIVE CIRCLED DIGIT|DINGBAT NEGATIVE CIRCLED DIGIT"
    r"|DINGBAT CIRCLED SANS-SERIF DIGIT|DOUBLE CIRCLED DIGIT) (" + "|".join(_DIGITS) + r")"
    r"(?: FULL STOP| COMMA)?$"
)


def _ranges(points: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for point in sorted(points):
        if out and out[-1][1] == point - 1:
            out[-1] = (out[-1][0], point)
        else:
            out.append((point, point))
    return out


def _property_points(path: Path, wanted: str) -> set[int]:
    points: set[int] = set()
    for line in path.read_text("utf-8").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        field, prop = (part.strip() for part in data.split(";")[:2])
        if prop != wanted:
            continue
        lo, _, hi = field.partition("..")
        points.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return points


def _scripts(path: Path) -> dict[int, str]:
    scripts: dict[int, str] = {}
    for line in path.read_text("utf-8").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        field, script = (part.strip() for part in data.split(";"))
        lo, _, hi = field.partition("..")
        for point in range(int(lo, 16), int(hi or lo, 16) + 1):
            scripts[point] = script
    return scripts


def _unicode_data(path: Path) -> tuple[dict[int, str], dict[int, str], dict[int, list[int]]]:
    """Names, general categories and decompositions (compatibility tags dropped)."""
    names: dict[int, str] = {}
    categories: dict[int, str] = {}
    decompositions: dict[int, list[int]] = {}
    first: int | None = None
    for line in path.read_text("utf-8").splitlines():
        fields = line.split(";")
        point = int(fields[0], 16)
        name, category, decomposition = fields[1], fields[2], fields[5]
        if name.endswith(", First>"):
            first = point
            continue
        if name.endswith(", Last>") and first is not None:
            for inner in range(first, point + 1):
                categories[inner] = category
            first = None
            continue
        names[point] = name
        categories[point] = category
        if decomposition:
            parts = decomposition.split()
            if parts[0].startswith("<"):
                parts = parts[1:]
            decompositions[point] = [int(p, 16) for p in parts]
    return names, categories, decompositions


def _full_decomposition(point: int, decompositions: dict[int, list[int]]) -> list[int]:
    if point not in decompositions:
        return [point]
    out: list[int] = []
    for part in decompositions[point]:
        out.extend(_full_decomposition(part, decompositions))
    return out


def _confusables(path: Path) -> dict[int, str]:
    """Single-code-point sources and their prototype strings."""
    table: dict[int, str] = {}
    for line in path.read_text("utf-8-sig").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        fields = [part.strip() for part in data.split(";")]
        source = fields[0].split()
        if len(source) != 1:
            continue
        table[int(source[0], 16)] = "".join(chr(int(p, 16)) for p in fields[1].split())
    return table


def _version(path: Path) -> str:
    head = path.read_text("utf-8-sig")[:600]
    match = re.search(r"Version: (\S+)", head) or re.search(r"-(\d+\.\d+\.\d+)\.txt", head)
    return match.group(1) if match else "unknown"


def build(ucd: Path) -> str:
    names, categories, decompositions = _unicode_data(ucd / "UnicodeData.txt")
    ignorable = _property_points(ucd / "DerivedCoreProperties.txt", "Default_Ignorable_Code_Point")
    scripts = _scripts(ucd / "Scripts.txt")
    confusables = _confusables(ucd / "confusables.txt")
    emoji = _property_points(ucd / "emoji-data.txt", "Extended_Pictographic")
    emoji = {p for p in emoji if p > 0x7F}

    drop = {p for p, c in categories.items() if c == "Cf"} | ignorable | set(EXTRA_FILLERS)
    marks = {p for p, c in categories.items() if c in ("Mn", "Me")} - drop

    fold: dict[int, str] = {}
    separators: dict[int, tuple[str, str]] = {}
    for point in sorted(decompositions):
        if point < 0x80 or point in drop:
            continue
        full = "".join(chr(p) for p in _full_decomposition(point, decompositions))
        if full in SEPARATOR_TARGETS:
            # a compatibility form of "." (full-width, small) is a dot, not punctuation
            kind = "s" if full == "." else "p" if categories[point].startswith("P") else "s"
            separators[point] = (SEPARATOR_TARGETS[full], kind)
        elif full and full.isascii() and re.fullmatch(r"[A-Za-z0-9-]{1,2}", full):
            fold[point] = full
        elif len(full) == 1 and confusables.get(ord(full)) in SEPARATOR_TARGETS:
            kind = "p" if categories.get(point, "").startswith("P") else "s"
            separators[point] = (SEPARATOR_TARGETS[confusables[ord(full)]], kind)
    for point, prototype in confusables.items():
        if point < 0x80 or point in drop or point in fold or point in separators:
            continue
        category = categories.get(point, "")
        if prototype in SEPARATOR_TARGETS and not category.startswith("L"):
            kind = "p" if category.startswith("P") else "s"
            separators[point] = (SEPARATOR_TARGETS[prototype], kind)
        elif prototype in (".", "\u00b7") and category.startswith("L"):
            # letters that look like a dot (Lisu, Canadian syllabics): only ever read as a
            # dot between two link pieces, never rewritten
            separators[point] = (".", "s")
    for target, meaning in SEPARATOR_TARGETS.items():  # prototypes are look-alikes too
        point = ord(target)
        if point >= 0x80 and not categories.get(point, "").startswith("L"):
            separators.setdefault(point, (meaning, "p" if categories[point][0] == "P" else "s"))
    for point, name in names.items():  # script-specific stops and commas UTS #39 leaves out
        if point < 0x80 or point in separators or not categories[point].startswith("P"):
            continue
        if "FULL STOP" in name:
            separators[point] = (".", "p")
        elif re.search(r"\bCOMMA\b", name) and "QUOTATION" not in name:
            separators[point] = (",", "p")

    skeleton: dict[int, str] = {}
    for point, prototype in confusables.items():
        if point < 0x80 or point in drop or point in fold or point in separators:
            continue
        if scripts.get(point) in SKELETON_EXCLUDED_SCRIPTS:
            continue
        if not categories.get(point, "").startswith(("L", "N", "S")):
            continue
        target = prototype
        if not re.fullmatch(r"[A-Za-z0-9]{1,2}", target):
            lower = chr(point).lower()
            if len(lower) == 1 and ord(lower) in confusables:
                target = confusables[ord(lower)]
        if re.fullmatch(r"[A-Za-z0-9]{1,2}", target):
            skeleton[point] = target.lower()
    skeleton.update(FANCY_SUBSTITUTES)
    for point, name in names.items():
        if point in fold or point in skeleton or point in separators:
            continue
        named = _NAMED_LETTER.match(name)
        if named:
            skeleton[point] = named.group(1).lower()
            continue
        digit = _NAMED_DIGIT.match(name)
        if digit:
            skeleton[point] = str(_DIGITS.index(digit.group(1)))

    digests = {name: hashlib.sha256((ucd / name).read_bytes()).hexdigest()[:16] for name in FILES}
    versions = {name: _version(ucd / name) for name in FILES if name != "UnicodeData.txt"}
    lines = [
        '"""Unicode data for link extraction, GENERATED by scripts/make_fold_table.py.',
        "",
        "Source: the Unicode Character Database and UTS #39 (Unicode Security Mechanisms) data",
        "files named in SOURCES, (c) Unicode, Inc., used under the Unicode License v3",
        "(https://www.unicode.org/license.txt). See docs/extraction.md, section Folding.",
        '"""',
        "",
        f"UNICODE_VERSION = {versions['DerivedCoreProperties.txt']!r}",
        "#: file -> (version, first 16 hex digits of its SHA-256)",
        "SOURCES = {",
    ]
    for name in FILES:
        lines.append(
            f"    {name!r}: ({versions.get(name, UNICODE_VERSION_HINT)!r}, {digests[name]!r}),"
        )
    lines.append("}")

    def ranges_literal(title: str, points: set[int]) -> None:
        flat = [f"0x{lo:X}, 0x{hi:X}" for lo, hi in _ranges(points)]
        lines.append(f"{title}: tuple[int, ...] = (")
        for index in range(0, len(flat), 6):
            lines.append("    " + ", ".join(flat[index : index + 6]) + ",")
        lines.append(")")

    def map_literal(title: str, mapping: dict[int, str], kind: str) -> None:
        lines.append(f"{title}: dict[int, {kind}] = {{")
        items = [f"0x{p:X}: {v!r}" for p, v in sorted(mapping.items())]
        for index in range(0, len(items), 6):
            lines.append("    " + ", ".join(items[index : index + 6]) + ",")
        lines.append("}")

    lines.append("#: Flat (first, last) pairs of code point ranges.")
    ranges_literal("DROP", drop)
    ranges_literal("MARKS", marks)
    ranges_literal("EMOJI", emoji)
    map_literal("FOLD", fold, "str")
    map_literal("SEPARATORS", {p: "".join(v) for p, v in separators.items()}, "str")
    map_literal("SKELETON", skeleton, "str")
    return "\n".join(lines) + "\n"


UNICODE_VERSION_HINT = "see UnicodeData.txt of the same release"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ucd", type=Path, required=True, help="folder with the UCD files")
    args = parser.parse_args()
    OUT.write_text(build(args.ucd), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
