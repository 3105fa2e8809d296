"""Checks over a published tree: what a static host or CDN would serve from it."""

from __future__ import annotations

from pathlib import Path


def assert_no_list_text_in(tree: Path, hosts: list[str]) -> None:
    """Walk every file of the served tree (dotfiles included): no list host, in any case,
    and no dotfile (temporary or bookkeeping) left behind."""
    assert tree.is_dir()
    for path in tree.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes().lower()
        for host in hosts:
            assert host.encode() not in data, f"{host} found in served file {path}"
    dotted = list(tree.rglob(".*"))
    assert dotted == [], f"dotfiles left in the served tree: {dotted}"
