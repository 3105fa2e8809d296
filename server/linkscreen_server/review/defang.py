"""Show a URL so nobody can follow it by accident: ``hxxps[://]bad[.]example/page``.

The review pages show reported URLs only this way, as text, never as a link, an image or a
preview: a reviewer's browser must never fetch a reported URL.
"""

from __future__ import annotations


def defang(url: str) -> str:
    """``url`` with its scheme and every dot and colon of its host broken."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    host = host.replace(".", "[.]").replace(":", "[:]")
    scheme = scheme.lower().replace("http", "hxxp").replace("ftp", "fxp")
    head = f"{scheme}[://]" if sep else ""
    return f"{head}{host}{slash}{path}"
