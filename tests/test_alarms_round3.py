"""False alarms of attack 13 (ADR 0012, tenth round, alarms 2), answered allow; links kept.

- C1: a member chain in code ending in a listed word-pair host (``if (!user.log.in)
  return;``, ``if (session.log.in) return;``): a logical not glued to the chain is read as
  part of a WHATWG host (``!user.log.in``), which was judged as no code and corroborated the
  chain; a condition opened by a control keyword (``if (``, ``unless``, ``while not``) and
  ``:=`` were no code marks;
- F2: a shell command quoted as inline code (`` `cp log.in /tmp/` ``);
- F3: a spaced ellipsis between words (``log ... in``) read as a space before a dot;
- F4: a mark glued between two words then a slash and one more word (``log～in/out``,
  ``log~in/sign~up``): the pair's slash, not a path.

The bundle holds word-pair host entries (``log.in/``, ``pay.later/``, ``sign.up/``,
``call.me/``) and made-up ones. Every benign case fails when its rule is deleted (the
mutation rows of tests/mutation/mutants.py); every positive fails when a rule is widened
past its bound. Both paths (C core and ``LINKSCREEN_PURE=1``) give the same answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = [
    "log.in/",
    "pay.later/",
    "sign.up/",
    "call.me/",
    "jqxvw.example/",
    "qzvkt.example/gal/275/1",
]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("a3"))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


# ---- C1: member chains in code ending in a listed word-pair host --------------------------

C1_BENIGN = [
    "if (!user.log.in) return;",
    "if (!user.call.me) return;",
    "const ok = !session.log.in;",
    "if (session.log.in) return;",
    "if(session.log.in) return;",
    "while (!auth.log.in) wait();",
    "} else if (!account.log.in) {",
    "if (!this.log.in) { redirect(); }",
    "if (this.log.in) { go(); }",
    "self.pay.later()",
    "$scope.sign.up = true;",
    "if (user?.log.in) return;",
    "ok = a && b.log.in",
    "var done = !!session.log.in;",
    "isOk := session.log.in",
    "return !state.log.in;",
    "x = !session.call.me",
    "if (a && !member.log.in) {}",
    "if (a || !member.call.me) return",
    "unless session.log.in",
    "return unless current.log.in",
    "while not session.log.in: pass",
    "if not account.log.in: return",
    "elif !session.log.in",
    "switch (phone.call.me) {",
    "for (;!socket.log.in;) poll();",
    "until (client.log.in) sleep(1)",
    "  if (!user.log.in) return;\n  render();",
    "function f() {\n  if (!session.log.in) return;\n}",
    "// guard\nif (!user.log.in) return;",
    "def view(req):\n    if not req.user.log.in:\n        return",
    "if (!window.call.me) return;",
    "if (!$rootScope.log.in) return;",
    "if (!vm.log.in) return;",
    "if (!app.log.in) return false;",
    "if (!store.state.log.in) throw new Error('x');",
    "bool ok = !account.log.in;",
    "assert !session.log.in",
    "let v = (session.log.in) ? 1 : 0;",
    "isLoggedIn = !!user.log.in && ready",
    "if (session.log.in) { return; }",
    "si (!usuario.log.in) return;",
    "wenn nicht: if (!nutzer.log.in) return;",
    "код: if (!user.log.in) return;",
    "这段: if (!user.log.in) return;",
]
# ---- F2: a shell command quoted as inline code ------------------------------------------

F2_BENIGN = [
    "`cp log.in /tmp/`",
    "```cp log.in /tmp/```",
    "run `mv log.in log.out` now",
    "try `cat call.me` and tell me",
    "`cp log.in /tmp/` and `cat call.me`",
    "`rm -f log.in`",
    "`tail -f log.in`",
    "`chmod +x call.me`",
    "`sudo cp log.in /etc/`",
    "`$ cp log.in /tmp/`",
    "mach mal `cp log.in /tmp/` bitte",
    "ejecuta `mv log.in backup/`",
    "запусти `cat log.in`",
    "`scp log.in host:/tmp/`",
    "`less log.in # the old one`",
]
# ---- F3: a spaced ellipsis between words --------------------------------------------------

F3_BENIGN = [
    "log ... in",
    "so I log ... in, then pay ... later",
    "log ...in",
    "log . . . in",
    "I tried to log ... in and nothing",
    "call ... me maybe",
    "log ... in/out",
    "wait, log ... in first",
    "then we log ... in. ok?",
    "ich muss mich log ... in, dann pay ... later",
    "hmm call ... me later",
    "log  ...  in",
]
# ---- F4: a glued mark, then a slash and one word -----------------------------------------

F4_BENIGN = [
    "log～in/out",
    "log#in/out",
    "log~in/sign~up",
    "log~in/out",
    "log＃in/out",
    "log～in/out🙂",
    "log～in/out, then pay～later/now",
    "please log～in/out again",
    "log~in/out?",
    "log～in/out.",
    "log★in/out",
    "log～in/log～out",
    "log～in/sign-up",
    "log～in/out(s)",
    "opt～in/out",
    "你先log～in/out一下",
    "bitte log#in/out machen",
]

# ---- listed links that keep blocking ----------------------------------------------------

POSITIVES = [
    # links in code strings and comments
    'fetch("https://log.in/x")',
    "fetch('https://call.me/')",
    'url = "jqxvw.example/a"',
    "// see jqxvw.example",
    "# see jqxvw.example",
    "/* jqxvw.example */",
    "if (!user.log.in) return; // see https://jqxvw.example/",
    "if (!user.log.in) return; // see https://log.in/",
    "if (session.log.in) fetch('https://call.me/x');",
    'const u = "https://log.in/";',
    'window.location = "http://jqxvw.example/";',
    'open("qzvkt.example/gal/275/1")',
    'redirect("https://log.in/home")',
    "x = !session.log.in; // https://jqxvw.example/",
    # links in chat, plain
    "log.in/x/y",
    "go to log.in/x",
    "https://log.in/",
    "http://call.me/now",
    "see jqxvw.example",
    "look at jqxvw.example now",
    "qzvkt.example/gal/275/1",
    "www.log.in",
    "app.jqxvw.example",
    "(app.jqxvw.example)",
    "if (app.jqxvw.example) is down",
    "wow !jqxvw.example",
    "!!jqxvw.example",
    # defanged
    "log[.]in/x",
    "hxxps://log[.]in/",
    "jqxvw[.]example",
    "jqxvw(.)example",
    "call[.]me/x",
    "hxxp://jqxvw[.]example/p",
    # glued marks with a real path or scheme
    "https://log～in/",
    "log～in/x",
    "log～in/",
    "log～in/out/x",
    "log～in/out?a=1",
    "log～in/42",
    "log～in/out.html",
    "log#in/x/y",
    "jqxvw～example/now",
    "jqxvw#example/out",
    "jqxvw~example/a",
    "qzvkt～example/gal/275/1",
    "call～me/x",
    "call～me/text",
    "see log～in/now",
    "log#in/later",
    "log★in/x",
    # backticks: links, not commands
    "`jqxvw.example`",
    "`https://log.in/x`",
    "`cp jqxvw.example /tmp/` then go to jqxvw.example",
    "go to jqxvw.example then `cp a.b /tmp/`",
    "`open jqxvw.example/p in the browser`",
    "`curl https://log.in/x`",
    # ellipses: a made-up name, a path, a lone spaced dot
    "jqxvw ... example",
    "log ... in/x/y",
    "log .in/x",
    "ok ... so log .in/x",
    "jqxvw . . . example",
    "qzvkt ... example/gal/275/1",
    # conditions that are prose
    "unless jqxvw.example is down",
    "while jqxvw.example",
    "if log.in works, tell me",
    "if (jqxvw.example) is down",
    "if (log.in) is slow today",
    "while (jqxvw.example) loads, wait",
]

#: The attack's grid, rebuilt: receivers and member chains x listed word-pair hosts x code
#: contexts (if/return/assignment/call, a logical not, optional chaining, Python, Ruby, Go).
RECEIVERS = [
    "user",
    "session",
    "this",
    "self",
    "$scope",
    "account",
    "auth",
    "vm",
    "ctx",
    "store.state",
    "window",
    "current",
]
HOSTS = ["log.in", "call.me", "pay.later", "sign.up"]
CONTEXTS = [
    "if (!{x}) return;",
    "if ({x}) return;",
    "const ok = !{x};",
    "return !{x};",
    "if ({x}) {{",
    "while (!{x}) wait();",
    "ok = {x} ? 1 : 0;",
    "if not {x}:",
    "unless {x}",
    "ok := {x}",
    "if ({x} && ready) {{",
    "}} else if (!{x}) {{",
]
GRID = [c.format(x=f"{r}.{h}") for r in RECEIVERS for h in HOSTS for c in CONTEXTS]
#: The same lines with a listed link written in them: the link blocks.
GRID_LINKS = [
    c.format(x=f"{r}.{h}") + ' fetch("https://log.in/x");'
    for r in RECEIVERS[:4]
    for h in HOSTS[:2]
    for c in CONTEXTS[:6]
]

BENIGN = C1_BENIGN + F2_BENIGN + F3_BENIGN + F4_BENIGN


def test_case_counts() -> None:
    assert len(BENIGN) >= 60
    assert len(POSITIVES) >= 60
    assert len(set(BENIGN)) == len(BENIGN)
    assert len(set(POSITIVES)) == len(POSITIVES)


@pytest.mark.parametrize("text", C1_BENIGN)
def test_c1_member_chain_in_code_allows(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


@pytest.mark.parametrize("text", F2_BENIGN)
def test_f2_quoted_shell_command_allows(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


@pytest.mark.parametrize("text", F3_BENIGN)
def test_f3_spaced_ellipsis_between_words_allows(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


@pytest.mark.parametrize("text", F4_BENIGN)
def test_f4_glued_mark_word_slash_allows(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


@pytest.mark.parametrize("text", POSITIVES)
def test_listed_links_still_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


def test_attack_grid_allows(matcher: linkscreen.Matcher) -> None:
    alarms = [t for t in GRID if _action(matcher, t) is not Action.ALLOW]
    assert not alarms, (len(alarms), alarms[:10])


def test_attack_grid_with_a_link_blocks(matcher: linkscreen.Matcher) -> None:
    missed = [t for t in GRID_LINKS if _action(matcher, t) is not Action.BLOCK]
    assert not missed, missed[:10]


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = BENIGN + POSITIVES + GRID[::5] + GRID_LINKS[::4]
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here
