"""`make demo`: the main job end to end, as far as it exists.

Canonicalises a set of sample links (plain, obfuscated by encoding tricks, IDN, numeric IPs)
and prints each canonical URL, every reading a browser or another parser could take, and the
lookup expressions that would be hashed and probed against a bundle.
"""

from __future__ import annotations

import linkscreen

SAMPLES = [
    "http://www.Example.com/a/b/c.html?x=1#top",
    "HTTP://bad.example.test:8080/%2e%2e/content/./123",
    "http://3232235777/photos/",
    "http://0xC0.0250.1.1/photos/",
    "https://ＢＡＤ．ｅｘａｍｐｌｅ/content",
    "http://faß.example/",
    "http://EVIL.example\\@good.example/",
    "http://good.example%2F@evil.example/",
    "www.example.co.uk/a//b/../c",
    "http://[::ffff:192.0.2.1]/x",
    "javascript:alert(1)",
]


def main() -> None:
    print(
        f"linkscreen {linkscreen.__version__}: Public Suffix List {linkscreen.PSL_SNAPSHOT_VERSION}"
    )
    for url in SAMPLES:
        print(f"\n{url!r}")
        try:
            canonical = linkscreen.canonicalize(url)
        except linkscreen.InvalidURLError as exc:
            print(f"  refused: {exc.reason}")
            continue
        print(f"  canonical   {canonical}")
        for variant in linkscreen.canonical_variants(url)[1:]:
            print(f"  also read as {variant}")
        exprs = linkscreen.expressions(url)
        print(f"  {len(exprs)} expressions: {', '.join(exprs)}")


if __name__ == "__main__":
    main()
