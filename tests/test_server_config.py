"""``server.toml`` mistakes are reported as ``file:line: reason``, all of them, before starting."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkscreen_server.config import Config, ConfigError

GOOD = """\
[repository]
dir = "repo"
signing_key = "keys/signing"
poll = "1h"

[server]
port = 8081

[[lists]]
name = "hotline"
source = "hotline.txt"

[[lists]]
name = "partner"
source = "https://partner.example/list.csv"
action = "warn"
max_shrink = 1.0
"""


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "server.toml"
    path.write_text(text)
    return Config.load(path)


def test_a_good_file_loads(tmp_path: Path) -> None:
    config = _load(tmp_path, GOOD)
    assert config.poll_s == 3600
    assert [s.name for s in config.lists] == ["hotline", "partner"]
    assert config.lists[1].suffix == ".csv"
    assert config.settings.list_max_shrink == {"partner": 1.0}


def test_every_mistake_is_reported_with_its_line(tmp_path: Path) -> None:
    text = (
        GOOD.replace('poll = "1h"', 'poll = "soon"\npol = "1h"')
        .replace("port = 8081", "port = 99999")
        .replace('action = "warn"', 'action = "alert"\nformat = "xml"')
    )
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    path = tmp_path / "server.toml"
    assert caught.value.problems == [
        f"{path}:4: poll: 'soon' is not a duration like 72h, 3d or 90m",
        f"{path}:5: unknown key 'pol' (known: bundle_lifetime, dir, max_shrink, pointer_lifetime, "
        "poll, psl, redirect_wrappers, signing_key, source_timeout, state_dir)",
        f"{path}:8: port: 99999 is not a TCP port",
        f"{path}:17: action: 'block' or 'warn', not 'alert'",
        f"{path}:18: format: 'text' or 'csv', not 'xml'",
    ]


def test_syntax_errors_and_missing_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"server.toml:2: not valid TOML"):
        _load(tmp_path, "[repository]\ndir = \n")
    with pytest.raises(ConfigError, match=r"server.toml:1: \[repository\] needs signing_key"):
        _load(tmp_path, '[repository]\ndir = "repo"\n')
    with pytest.raises(ConfigError, match=r"server.toml:7: a second list named 'a'"):
        _load(
            tmp_path,
            '[repository]\nsigning_key = "k"\n[[lists]]\nname = "a"\nsource = "a.txt"\n'
            '[[lists]]\nname = "a"\nsource = "b.txt"\n',
        )
    with pytest.raises(ConfigError, match=r"server.toml:2: cannot read the admin token file"):
        _load(tmp_path, '[server]\nadmin_token_file = "missing"\n[repository]\nsigning_key = "k"\n')
