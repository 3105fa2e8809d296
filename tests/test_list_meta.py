"""Deterrence texts from the operator to the phone: the ``--meta`` file and server.toml are
checked line by line before anything is compiled, the default locale travels in the bundle
(section 9), and ``inspect`` prints every text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linkscreen import Action, BundleCorruptError, Matcher
from linkscreen.bundle import format as fmt
from linkscreen.results import ListInfo
from linkscreen_server.cli import main as server_main
from linkscreen_server.compiler import ListMeta
from linkscreen_server.config import Config
from linkscreen_server.meta import load_meta
from linkscreen_server.tomlfile import ConfigError

from bundles import TEST_PUBLIC, compile_lists, open_bytes

GOOD = """\
[lists.hotline]
category = "csam"
default_locale = "de"

[lists.hotline.deterrence.en]
text = "This link was blocked."
help = "https://help.example/en"

[lists.hotline.deterrence.de]
text = "Dieser Link wurde blockiert."
help = "https://help.example/de"

[lists.hotline.deterrence.pt]
text = "Este link foi bloqueado."
"""


def _meta(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lists.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_with_its_default_locale(tmp_path: Path) -> None:
    meta = load_meta(_meta(tmp_path, GOOD), ["hotline"])
    assert meta["hotline"].category == "csam"
    assert meta["hotline"].default_locale == "de"
    assert [m[0] for m in meta["hotline"].deterrence] == ["de", "en", "pt"]
    assert {m[0]: m[2] for m in meta["hotline"].deterrence}["pt"] == ""


MISTAKES = [
    (GOOD.replace('text = "This link', 'txt = "This link'), 6, "unknown key 'txt'"),
    (GOOD.replace('text = "This link', 'txt = "This link'), 5, "en: empty text"),
    (GOOD.replace("[lists.hotline]", "[lists.hotlin]"), 1, "[lists.hotlin]: no list of that"),
    (GOOD.replace('"Este link foi bloqueado."', '"  "'), 14, "pt: empty text"),
    (GOOD.replace("deterrence.pt]", 'deterrence."pt_BR!"]'), 13, "is not a BCP 47 locale"),
    (GOOD.replace('default_locale = "de"', 'default_locale = "fr"'), 3, "'fr' has no"),
    (GOOD.replace('default_locale = "de"', 'default_locale = "??"'), 3, "not a BCP 47 tag"),
    (GOOD.replace("https://help.example/de", "http://help.example/de"), 11, "not an https: URL"),
    (GOOD.replace("https://help.example/de", "javascript:alert(1)"), 11, "not an https: URL"),
    (GOOD.replace('category = "csam"', "category = 3"), 2, "category must be"),
    (GOOD.replace("[lists.hotline.deterrence.pt]", "[lists.hotline.deterrence.EN]"), 5, "same"),
    (GOOD + '\n[lists.hotline.deterrence.fr]\nhelp = "https://help.example/"\n', 16, "empty"),
    ("title = 'x'\n" + GOOD, 1, "unknown key 'title'"),
    (GOOD.replace("Dieser Link", "Dieser\\u0007Link"), 10, "no control characters"),
]


@pytest.mark.parametrize(("text", "line", "reason"), MISTAKES)
def test_each_mistake_is_file_line_reason(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = _meta(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_meta(path, ["hotline"])
    assert any(p.startswith(f"{path}:{line}: ") and reason in p for p in caught.value.problems), (
        caught.value.problems
    )


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace('text = "This link', 'txt = "This link').replace(
        "https://help.example/de", "ftp://help.example/de"
    )
    with pytest.raises(ConfigError) as caught:
        load_meta(_meta(tmp_path, text), ["hotline"])
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in caught.value.problems] == [
        "5",
        "6",
        "11",
    ]


def test_compile_with_a_bad_meta_file_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_text("https://blocked.example/\n")
    meta = _meta(tmp_path, GOOD.replace('text = "This link', 'txt = "This link'))
    assert server_main(["keygen", "--out", str(tmp_path / "keys")]) == 0
    out = tmp_path / "o.bundle"
    argv = ["compile", "--list", f"hotline={tmp_path / 'l.txt'}", "--key", str(tmp_path / "keys")]
    code = server_main([*argv, "--meta", str(meta), "--out", str(out)])
    assert code == 2
    assert not out.exists()


def test_the_default_locale_travels_in_the_bundle(tmp_path: Path) -> None:
    meta = load_meta(_meta(tmp_path, GOOD), ["hotline", "watch"])
    data = compile_lists(
        tmp_path,
        {"hotline": (["bad.example/"], Action.BLOCK), "watch": (["odd.example/"], Action.WARN)},
        meta=meta,
    )
    bundle = open_bytes(data)
    assert fmt.Section.DEFAULT_LOCALES in bundle.payload.sections
    hotline, watch = bundle.lists
    assert (hotline.default_locale, watch.default_locale) == ("de", None)
    verdict = Matcher(bundle).check_url("https://bad.example/x")
    message = verdict.message("fr-CA")  # no French: the operator's default, not English
    assert message is not None
    assert message.locale == "de"
    pt = verdict.message("pt-BR")
    assert pt is not None
    assert (pt.text, pt.help_link) == ("Este link foi bloqueado.", "")


def test_without_defaults_no_section_is_written(tmp_path: Path) -> None:
    data = compile_lists(
        tmp_path,
        {"hotline": (["bad.example/"], Action.BLOCK)},
        meta={"hotline": ListMeta("csam", (("en", "Blocked.", ""),))},
    )
    assert fmt.Section.DEFAULT_LOCALES not in open_bytes(data).payload.sections


def _lists(*defaults: str | None) -> list[ListInfo]:
    messages = (("de", "Blockiert.", ""), ("en", "Blocked.", ""))
    return [ListInfo(f"l{i}", Action.BLOCK, "c", messages, d) for i, d in enumerate(defaults)]


def test_default_locale_section_round_trips_and_refuses_what_it_must() -> None:
    lists = _lists("de", None, "en")
    data = fmt.encode_default_locales(lists)
    assert data is not None
    bare = [ListInfo(i.id, i.action, i.category, i.deterrence) for i in lists]
    assert [i.default_locale for i in fmt.decode_default_locales(data, bare)] == ["de", None, "en"]
    with pytest.raises(BundleCorruptError, match="trailing"):
        fmt.decode_default_locales(data + b"\0", bare)
    with pytest.raises(BundleCorruptError, match="ends inside"):
        fmt.decode_default_locales(data[:-1], bare)
    wrong = fmt.encode_default_locales(_lists("de", None, "en"))
    assert wrong is not None
    with pytest.raises(BundleCorruptError, match="has no message"):  # no "fr" message
        fmt.decode_default_locales(wrong.replace(b"\x02\x00de", b"\x02\x00fr"), bare)
    with pytest.raises(BundleCorruptError, match="characters"):
        fmt.decode_default_locales(b"\x41\x00" + b"a" * 65 + data[4:], bare)
    with pytest.raises(ValueError, match="has no message"):
        fmt.encode_default_locales(_lists("fr"))
    assert fmt.encode_default_locales(_lists(None, None)) is None


SERVER_TOML = """\
[repository]
signing_key = "keys"

[[lists]]
name = "hotline"
source = "hotline.txt"
category = "csam"
default_locale = "en"
[lists.deterrence.en]
text = "This link was blocked."
help = "https://help.example/en"

[[lists]]
name = "watch"
source = "watch.txt"
action = "warn"
"""


def test_server_toml_holds_the_texts(tmp_path: Path) -> None:
    path = tmp_path / "server.toml"
    path.write_text(SERVER_TOML)
    config = Config.load(path)
    assert config.meta == {
        "hotline": ListMeta(
            "csam", (("en", "This link was blocked.", "https://help.example/en"),), "en"
        )
    }


def test_server_toml_text_mistakes_have_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "server.toml"
    path.write_text(
        SERVER_TOML.replace("text =", "txt =").replace(
            'default_locale = "en"', "default_locale = 'pt'"
        )
    )
    with pytest.raises(ConfigError) as caught:
        Config.load(path)
    problems = caught.value.problems
    assert any(p.startswith(f"{path}:8: ") and "'pt' has no" in p for p in problems), problems
    assert any(p.startswith(f"{path}:10: ") and "unknown key 'txt'" in p for p in problems), (
        problems
    )


def test_inspect_prints_every_text_and_the_default(tmp_path: Path) -> None:
    meta = load_meta(_meta(tmp_path, GOOD), ["hotline"])
    data = compile_lists(tmp_path, {"hotline": (["bad.example/"], Action.BLOCK)}, meta=meta)
    bundle = tmp_path / "b.bundle"
    bundle.write_bytes(data)
    key = tmp_path / "k.pub"
    key.write_bytes(TEST_PUBLIC)
    result = subprocess.run(
        [sys.executable, "-m", "linkscreen", "inspect", str(bundle), "--public-key", str(key)],
        capture_output=True,
        text=True,
        check=True,
    )
    (hotline,) = json.loads(result.stdout)["lists"]
    assert hotline["default_locale"] == "de"
    assert {m["locale"]: m["text"] for m in hotline["deterrence"]} == {
        "de": "Dieser Link wurde blockiert.",
        "en": "This link was blocked.",
        "pt": "Este link foi bloqueado.",
    }


def test_run_ships_server_tomls_texts_psl_and_wrappers(tmp_path: Path) -> None:
    """What ``run`` publishes from server.toml carries its texts, its PSL and its wrappers."""
    from linkscreen import Bundle
    from linkscreen_server.publish import Repository
    from linkscreen_server.service import Publisher
    from linkscreen_server.signing import generate_keypair, load_private_key

    root = generate_keypair(tmp_path / "keys" / "root")
    signing = generate_keypair(tmp_path / "keys" / "signing")
    Repository(tmp_path / "repo").write_root(
        [load_private_key(root.private_path)],
        [load_private_key(root.private_path).public_key()],
        [load_private_key(signing.private_path).public_key()],
    )
    (tmp_path / "hotline.txt").write_text("http://bad.example/\n")
    (tmp_path / "watch.txt").write_text("http://odd.example/\n")
    (tmp_path / "psl.dat").write_text("// VERSION: operator-1\nexample\ncom\n")
    (tmp_path / "wrappers.txt").write_text("go.wrapper.test /r dest base64url\n")
    text = SERVER_TOML.replace('signing_key = "keys"', 'signing_key = "keys/signing"')
    text = text.replace(
        "[repository]\n", '[repository]\npsl = "psl.dat"\nredirect_wrappers = "wrappers.txt"\n'
    )
    (tmp_path / "server.toml").write_text(text)
    publisher = Publisher(Config.load(tmp_path / "server.toml"))
    publisher.pull_sources()
    assert publisher.publish(reason="test", force=True) is not None
    (path,) = (tmp_path / "repo" / "bundles").glob("*.bundle")
    with Bundle.open(path, [tmp_path / "keys" / "signing" / "signing.pub"]) as bundle:
        hotline = next(info for info in bundle.lists if info.id == "hotline")
        assert hotline.default_locale == "en"
        assert hotline.deterrence[0][1] == "This link was blocked."
        assert bundle.header.psl_version == "operator-1"
        assert [rule.host for rule in bundle.redirect_wrappers] == ["go.wrapper.test"]
