"""The how-to guides stay true: their code compiles, their names exist, their commands parse,
their nginx configuration serves a real tree to a real Updater.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import linkscreen
from linkscreen import Updater, UpdateStatus
from linkscreen.cli import build_parser as sdk_parser
from linkscreen_server.cli import build_parser as server_parser

from bundles import compile_lists, open_bytes
from repo_fixtures import MemoryRepo, entries
from server_process import free_port

ROOT = Path(__file__).resolve().parent.parent
HOWTO = ROOT / "docs" / "how-to"
GUIDES = sorted(HOWTO.glob("*.md"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(path: Path, language: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    blocks = [body for lang, body in FENCE.findall(text) if lang == language]
    # Blocks indented inside list items keep their indentation: strip it.
    return [re.sub(r"^  ", "", body, flags=re.MULTILINE) for body in blocks]


def test_the_guides_exist_and_the_readme_links_them() -> None:
    names = {path.name for path in GUIDES}
    assert {
        "embed-in-an-app.md",
        "rotate-keys.md",
        "write-deterrence-texts.md",
        "serve-behind-nginx-or-a-cdn.md",
        "server-toml.md",
    } <= names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"docs/how-to/{name}" in readme, f"README does not link {name}"


def test_relative_links_resolve() -> None:
    for path in GUIDES:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text("utf-8")):
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"


@pytest.mark.parametrize("path", GUIDES, ids=[p.name for p in GUIDES])
def test_python_blocks_compile_and_name_real_api(path: Path) -> None:
    for block in _blocks(path, "python"):
        compile(block, f"{path.name}", "exec")
        for name in re.findall(r"\blinkscreen\.([A-Za-z_]\w*)", block):
            assert hasattr(linkscreen, name) or _is_submodule(name), f"linkscreen.{name}"


def _is_submodule(name: str) -> bool:
    return (ROOT / "sdk" / "linkscreen" / f"{name}.py").exists() or (
        ROOT / "sdk" / "linkscreen" / name / "__init__.py"
    ).exists()


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def _command_lines(block: str) -> Iterator[list[str]]:
    """Each ``linkscreen`` / ``linkscreen-server`` command in a shell block, as words."""
    joined = re.sub(r"\\\n\s*", " ", block)
    for line in joined.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token in ("|", "&&", ";", "||", "(", ")", "$("):
                if words and words[0] in ("linkscreen", "linkscreen-server"):
                    yield words
                words = []
            else:
                words.append(token)


@pytest.mark.parametrize("path", GUIDES, ids=[p.name for p in GUIDES])
def test_shell_commands_use_real_subcommands_and_options(path: Path) -> None:
    parsers = {"linkscreen": sdk_parser(), "linkscreen-server": server_parser()}
    for block in _blocks(path, "sh"):
        for words in _command_lines(block):
            parser = parsers[words[0]]
            commands = _subcommands(parser)
            if len(words) == 1 or words[1].startswith("-"):
                unknown = {w for w in words[1:] if w.startswith("--")} - _options(parser)
                assert not unknown, f"{' '.join(words)}: {unknown}"
                continue
            assert words[1] in commands, f"{path.name}: no subcommand {words[1]!r}"
            options = _options(commands[words[1]])
            used = {w.split("=")[0] for w in words[2:] if w.startswith("--")}
            assert used <= options, f"{path.name}: {' '.join(words)}: {used - options}"


def _documented_keys(heading: str) -> set[str]:
    """The keys a server-toml.md reference table lists under ``## heading``."""
    text = (HOWTO / "server-toml.md").read_text("utf-8")
    body = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", body, flags=re.MULTILINE))


def test_the_server_toml_reference_lists_every_key() -> None:
    from linkscreen_server import config

    assert _documented_keys("`[repository]`") == config._REPOSITORY_KEYS
    assert _documented_keys("`[server]`") == config._SERVER_KEYS
    assert _documented_keys("`[[lists]]`, one per list") == config._LIST_KEYS


def test_the_complete_server_toml_loads_as_documented(tmp_path: Path) -> None:
    """The guide's complete file, with the files it names, loads; every value it shows is
    what Config holds."""
    from linkscreen_server.config import Config
    from linkscreen_server.suffixes import default_psl

    (block,) = _blocks(HOWTO / "server-toml.md", "toml")
    (tmp_path / "server.toml").write_text(block)
    (tmp_path / "admin.token").write_text("t" * 40)
    (tmp_path / "public_suffix_list.dat").write_text("// VERSION: test\ncom\nexample\n")
    (tmp_path / "wrappers.txt").write_text("go.wrapper.test /r dest base64url\n")
    config = Config.load(tmp_path / "server.toml")
    assert config.psl is not None
    assert config.psl.version == "test"
    assert config.psl.rule_count < default_psl().rule_count
    assert [rule.host for rule in config.redirect_rules] == ["go.wrapper.test"]
    assert (config.header_timeout_s, config.max_connections) == (10, 4096)
    hotline = config.meta["hotline"]
    assert (hotline.category, hotline.default_locale) == ("csam", "en")
    assert [locale for locale, _, _ in hotline.deterrence] == ["en", "pt"]
    assert "watch" not in config.meta


@pytest.mark.parametrize(
    "path", [ROOT / "docs" / "deterrence.md", HOWTO / "write-deterrence-texts.md"], ids=str
)
def test_documented_meta_files_pass_the_checker(path: Path, tmp_path: Path) -> None:
    from linkscreen_server.meta import load_meta

    for index, block in enumerate(_blocks(path, "toml")):
        meta = tmp_path / f"{index}.toml"
        meta.write_text(block, encoding="utf-8")
        loaded = load_meta(meta, ["hotline", "watch"])
        assert loaded["hotline"].deterrence


def test_the_rendering_sketch_renders_what_the_table_says(tmp_path: Path) -> None:
    namespace: dict[str, object] = {"linkscreen": linkscreen}  # the guide's first block
    for block in _blocks(HOWTO / "embed-in-an-app.md", "python"):
        if "def render(" in block:
            exec(compile(block, "embed-in-an-app.md", "exec"), namespace)
    render = namespace["render"]
    meta_text = "Este link foi bloqueado."
    from linkscreen_server.compiler import ListMeta

    data = compile_lists(
        tmp_path,
        {"hotline": (["bad.example/"], linkscreen.Action.BLOCK)},
        meta={"hotline": ListMeta("csam", (("pt", meta_text, "https://ajuda.example/"),))},
    )
    matcher = linkscreen.Matcher(open_bytes(data))
    text = "see http://bad.example/x and http://fine.example/"
    segments = render(text, matcher.scan_text(text), "pt-BR")  # type: ignore[operator]
    assert ("blocked", meta_text) in segments
    assert "http://bad.example/x" not in "".join(content for _, content in segments)
    assert "http://fine.example/" in "".join(content for _, content in segments)


# ---- the documented nginx configuration, run -----------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _snippet() -> str:
    guide = HOWTO / "serve-behind-nginx-or-a-cdn.md"
    (snippet,) = [b for b in _blocks(guide, "nginx") if b.startswith("# linkscreen.conf")]
    return snippet


@contextmanager
def _nginx(tree: Path, workdir: Path) -> Iterator[int]:
    assert NGINX is not None
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    snippet = _snippet().replace("/srv/linkscreen/repo", str(tree.resolve()))
    (workdir / "linkscreen.conf").write_text(snippet)
    temp = "\n".join(
        f"    {kind}_temp_path {workdir}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root root;" if __import__("os").geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
error_log {workdir}/error.log;
pid {workdir}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    default_type text/plain;
{temp}
    server {{
        listen 127.0.0.1:{port};
        include {workdir}/linkscreen.conf;
    }}
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            if process.poll() is not None:
                assert process.stderr is not None
                pytest.fail(f"nginx refused the documented config: {process.stderr.read()!r}")
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return response


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed; .ci/run installs it")
def test_documented_nginx_config_serves_the_tree_with_its_cache_rules(tmp_path: Path) -> None:
    repo = MemoryRepo(tmp_path)
    repo.publish(entries(50), now=time.time())
    tree = tmp_path / "tree"
    (tree / ".stray.tmp").write_text("a temporary file")
    (tree / "notes.txt").write_text("not part of the protocol")
    with _nginx(tree, tmp_path / "nginx") as port:
        pointer = _get(port, "/pointer.json")
        assert pointer.status == 200
        assert pointer.getheader("Cache-Control") == "public, max-age=60, must-revalidate"
        assert pointer.getheader("Content-Type") == "application/json"
        etag = pointer.getheader("ETag")
        assert etag
        assert _get(port, "/pointer.json", {"If-None-Match": etag}).status == 304
        (bundle,) = (tree / "bundles").iterdir()
        full = _get(port, f"/bundles/{bundle.name}")
        assert full.status == 200
        assert full.getheader("Cache-Control") == "public, max-age=31536000, immutable"
        assert _get(port, "/roots/1.json").getheader("Cache-Control").endswith("immutable")
        assert _get(port, "/.stray.tmp").status == 403
        assert _get(port, "/notes.txt").status == 404
        updater = Updater(
            tmp_path / "client", f"http://127.0.0.1:{port}/", [repo.root_key.public_key()]
        )
        assert updater.refresh().status is UpdateStatus.UPDATED_FULL
        again = updater.refresh()
        assert (again.status, again.requests) == (UpdateStatus.UP_TO_DATE, 1)
