"""A link with a userinfo and no scheme (attack 12): ``www.paypal.test@jqxvw.example/x``.

A browser or autolinker given it opens ``jqxvw.example``: everything before the last ``@`` of
the authority is userinfo (RFC 3986 §3.2.1), as in ``http://www.paypal.test@jqxvw.example/``,
which already blocked. Without a scheme it was taken for an e-mail address and not read at
all. Rule (``_readings._userinfo_link``, docs/extraction.md "a userinfo without a scheme"):
a scheme-less ``x@host`` is a link to ``host`` when ``x`` is a ``www.`` name, or when a path
(``/``) follows the host right away (no port) and holds no other ``@``; ``x`` is written with
``A-Z a-z 0-9 . _ ~ % + -`` only, and the reading has no prose technique (a spaced ``/`` or a
line join never makes one). E-mail addresses, ``mailto:``, ``git@host:org/repo``, scp and
rsync targets, ``@mentions`` and fediverse handles stay no finding; ``admin@host:8080/x``
stays a documented miss (``git@host:2222/org/repo.git`` is written the same way).

Each positive fails when the rule is deleted; each negative fails when the rule is widened
to every ``x@host`` (an e-mail address) or past its bounds. Both paths (C core and
``LINKSCREEN_PURE=1``) give the same answers (``test_native_and_pure_agree``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action, Technique

from bundles import compile_lists, open_bytes

#: Whole hosts (the listed mail hosts too: a negative that read them would block) and a page.
ENTRIES = [
    "jqxvw.example/",
    "qzvkt.example/gal/275/1",
    "example.test/",
    "mail.example.test/",
    "github.example/",
]

WWW_USERINFO = ["www.paypal.test", "www.paypal.com", "WWW.Bank.Example.Test", "www.secure-login"]
PLAIN_USERINFO = ["login", "paypal.test", "secure.bank.test", "support-team", "acct%2Bverify"]
WWW_TAILS = ["", "/", "/login", "/login?next=%2Fhome", "?session=1", "#top", ":8080/login"]
PATH_TAILS = ["/login", "/a/b.html", "/login?x=1&y=2", "/x1"]
#: After a name written as a host, a lone slash, a query or a fragment are a link's too.
DOTTED_TAILS = ["/", "?login", "#login"]
CONTEXTS = [
    "{}",
    "check {} now",
    "({})",
    "[{}]",
    '"{}"',
    "'{}'",
    "«{}»",
    "「{}」",
    "<{}>",
    "看这个{}快",
    "これ見て{}だよ",
    "{}.",
    "{}!",
    "Sign in at {}, thanks",
    "🙂{}🙂",
    "login here: {}",
    "→{}",
    "[log in]({})",
    "смотри {} срочно",
]


def _positives() -> list[str]:
    cases = []
    for i, user in enumerate(WWW_USERINFO):
        for j, tail in enumerate(WWW_TAILS):
            for k, context in enumerate(CONTEXTS):
                if (i + j + k) % 3 == 0:  # a third of the product: every shape, every context
                    cases.append(context.format(f"{user}@jqxvw.example{tail}"))
    for i, user in enumerate(PLAIN_USERINFO):
        for j, tail in enumerate(PATH_TAILS):
            for k, context in enumerate(CONTEXTS):
                if (i + j + k) % 3 == 0:
                    cases.append(context.format(f"{user}@jqxvw.example{tail}"))
    for i, user in enumerate(u for u in PLAIN_USERINFO if "." in u):
        for j, tail in enumerate(DOTTED_TAILS):
            for k, context in enumerate(CONTEXTS):
                if (i + j + k) % 3 == 0:
                    cases.append(context.format(f"{user}@jqxvw.example{tail}"))
    for context in CONTEXTS[:8]:  # a listed page behind a userinfo, with and without www.
        cases.append(context.format("www.paypal.test@qzvkt.example/gal/275/1"))
        cases.append(context.format("login@qzvkt.example/gal/275/1"))
    cases += [
        "www.paypal.test@cdn.jqxvw.example/login",  # a subdomain of the listed host
        "www.paypal.test@JQXVW.EXAMPLE/LOGIN",
        "WWW.PAYPAL.TEST@JQXVW.EXAMPLE",
        "www.paypal[.]test@jqxvw[.]example/login",  # defanged
        "login@jqxvw[.]example/verify",
        "a@b@jqxvw.example/x1",  # the host is after the last "@"
        "www.paypal.test@jqxvw.example./login",  # a trailing root dot on the host
        "Your account is locked, verify at www.paypal.test@jqxvw.example/verify?id=8812 today",
        "www.paypal.test@jqxvw.example/login\nthanks",
        "pls\nwww.paypal.test@jqxvw.example",
        "www.paypal.test:443@jqxvw.example/login",  # a port faked in a www. userinfo
        "sign in: www.paypal.test:443@jqxvw.example",
    ]
    return cases


POSITIVES = _positives()

NEGATIVES = [
    # e-mail addresses in prose: a mail host is no link
    "alice@example.test",
    "Please mail hello@jqxvw.example/ or call",  # a mailbox and "/" (attack 14)
    "bob@jqxvw.example/cc",
    "write alice@jqxvw.example/Bob Smith",
    "mail me at bob@mail.example.test.",
    "write to alice@jqxvw.example, or bob@jqxvw.example; thanks",
    "(carol@jqxvw.example)",
    '"dave@jqxvw.example"',
    "Erin <erin@jqxvw.example>",
    "请发邮件到alice@jqxvw.example谢谢",
    "is it alice@jqxvw.example?",
    "alice+tag@jqxvw.example!",
    "first.last@jqxvw.example",
    "www@jqxvw.example",  # a mailbox named www, not a www. name
    "www-data@jqxvw.example sent the cron mail",
    "write to alice@jqxvw.example: she knows",
    "reach me at alice@jqxvw.example / 555-0100",  # a spaced slash is prose
    "alice@jqxvw.example\n/help for commands",  # a line join is prose
    "alice@jqxvw.example/bob@jqxvw.example",  # a slash-separated list of addresses
    "alice@example.test/bob@mail.example.test",
    "Message-ID: <20261202.abc123@mail.example.test>",
    "From: Alice <alice@jqxvw.example>\nTo: bob@example.test",
    "romeo@jqxvw.example",  # a bare XMPP address
    # mailto
    "mailto:alice@jqxvw.example",
    "mailto:alice@jqxvw.example?subject=hi",
    '<a href="mailto:alice@jqxvw.example">mail</a>',
    # git, ssh, scp, rsync
    "git@github.example:org/repo.git",
    "git clone git@github.example:org/repo.git",
    "git@github.example:2222/org/repo.git",  # scp-like: "2222/org/repo.git" is the path
    "ssh deploy@jqxvw.example",
    "ssh -p 2222 deploy@jqxvw.example",
    "scp file.txt deploy@jqxvw.example:/var/www/",
    "rsync -av ./ deploy@jqxvw.example:/srv/app/",
    "rsync -av ./ deploy@jqxvw.example::module/path",
    "admin@jqxvw.example:8080/x",  # a port before the path: the documented miss
    # logs
    "Dec  2 10:00:01 mx postfix/smtp[812]: to=<alice@jqxvw.example>, status=sent",
    "2026-12-02 10:00:01 INFO login ok user=alice@jqxvw.example",
    "sshd[123]: Accepted publickey for deploy@jqxvw.example",
    "systemctl status user@1000.service",
    # mentions and handles
    "@alice thanks!",
    "cc @bob.smith and @carol",
    "follow @alice@jqxvw.example on the fediverse",
    "@alice@jqxvw.example",
    # package managers
    "npm i react@18.2.0",
    "npm i @scope/pkg@1.2.3/dist",
    "pin it: pkg@1.2.3/x",
    "docker pull img@sha256:0123abcd",
    "key=alice@jqxvw.example",
    "mailto:www.alice@jqxvw.example/x",  # after mailto: an address, whatever its shape
    "MAILTO:login@jqxvw.example/x",
    "user:pw@jqxvw.example",
    "user:pw@jqxvw.example:8080/x",
    "to:alice@jqxvw.example",
]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("userinfo"))


def test_case_set_size() -> None:
    assert len(POSITIVES) >= 100
    assert len(NEGATIVES) >= 40
    assert len(set(POSITIVES)) == len(POSITIVES)


@pytest.mark.parametrize("text", POSITIVES)
def test_userinfo_without_scheme_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    findings = matcher.scan_text(text)
    assert findings.action is Action.BLOCK, text
    decided = [f for f in findings if f.action is Action.BLOCK]
    assert any("@" in f.url for f in decided), [f.url for f in findings]


def test_the_finding_names_the_userinfo(matcher: linkscreen.Matcher) -> None:
    text = "verify at www.paypal.test@jqxvw.example/login"
    (finding,) = [f for f in matcher.scan_text(text) if f.verdict.matches]
    assert finding.url == "www.paypal.test@jqxvw.example/login"
    assert text[finding.start : finding.end] == finding.url
    assert Technique.USERINFO in finding.techniques
    assert finding.verdict.canonical == "http://jqxvw.example/login"


def test_an_unlisted_host_behind_a_listed_userinfo_allows(matcher: linkscreen.Matcher) -> None:
    """The userinfo is not what the browser opens: a listed name there is a decoy."""
    for text in ["www.jqxvw.example@other.example/login", "jqxvw.example@other.example/x"]:
        assert matcher.scan_text(text).action is Action.ALLOW, text


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_link_to_the_mail_host(matcher: linkscreen.Matcher, text: str) -> None:
    findings = matcher.scan_text(text)
    assert findings.action is Action.ALLOW, (text, [(f.url, f.action) for f in findings])
    assert not [f for f in findings if Technique.USERINFO in f.techniques], text


@pytest.mark.parametrize(
    "text",
    [
        "alice@example.test",
        "Please mail hello@jqxvw.example/ or call",  # a mailbox and "/" (attack 14)
        "bob@jqxvw.example/cc",
        "write alice@jqxvw.example/Bob Smith",
        "bob@mail.example.test.",
        "git@github.example:o/r.git",
        "pin it: pkg@1.2.3/x",  # a version after "@" is no numeric host
        "pkg@1.2.3.4.5/x",
        "pkg@0x1.2/x",
        "user:pw@jqxvw.example",
        "alice=bob@jqxvw.example",
    ],
)
def test_no_userinfo_reading(text: str) -> None:
    assert not [c for c in linkscreen.extract_links(text) if "@" in c.url], text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("user:pw@jqxvw.example/x1", "pw@jqxvw.example/x1"),  # after "user:", not with it
        ("key=alice@jqxvw.example/x1", "alice@jqxvw.example/x1"),  # after "key="
        ("a(b)@jqxvw.example/x", None),
    ],
)
def test_a_userinfo_holds_no_scheme_or_key(text: str, reading: str | None) -> None:
    urls = {c.url for c in linkscreen.extract_links(text) if "@" in c.url}
    assert urls == ({reading} if reading else set()), text


def test_a_dotted_quad_behind_a_userinfo_is_read() -> None:
    urls = {
        c.url for c in linkscreen.extract_links("login@192.0.2.55/x1 and www.a.test@192.0.2.55")
    }
    assert urls == {"login@192.0.2.55/x1", "www.a.test@192.0.2.55"}


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = POSITIVES + NEGATIVES
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here
