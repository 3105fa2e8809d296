"""What review hands to ``publish`` and ``run``: three list files in the publisher's state
directory (outside the served tree, ADR 0009), rewritten whole before each publish.

- ``review-confirmed.txt``: confirmed and listed URLs, compiled as the ``review-confirmed``
  list with action ``block``;
- ``review-provisional.txt``: unexpired provisional URLs, the ``review-provisional`` list with
  action ``warn`` (it may shrink to nothing from one version to the next: entries expire);
- ``review-allowlist.txt``: rejected URLs; the compiler drops any entry of any list that is
  on it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from linkscreen.files import write_atomically
from linkscreen.results import Action

from ..compiler import CompileReport, ListSpec
from ..sources import ListFormat
from .workflow import Lists, Review

CONFIRMED_LIST = "review-confirmed"
PROVISIONAL_LIST = "review-provisional"
ALLOWLIST_FILE = "review-allowlist.txt"


@dataclass(frozen=True)
class ReviewInputs:
    specs: list[ListSpec]
    allowlist: Path
    lists: Lists

    @property
    def confirmed_path(self) -> Path:
        return self.specs[0].path


def write_review_lists(review: Review, directory: Path) -> ReviewInputs:
    """Expire what is due, then write the three files into ``directory`` (mode 0600)."""
    review.expire()
    lists = review.lists()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    confirmed = directory / f"{CONFIRMED_LIST}.txt"
    provisional = directory / f"{PROVISIONAL_LIST}.txt"
    allowlist = directory / ALLOWLIST_FILE
    for path, urls in ((confirmed, lists.confirmed), (provisional, lists.provisional),
                       (allowlist, lists.allowlist)):  # fmt: skip
        header = (
            f"# written by linkscreen-server review from the review database; {len(urls)} URLs\n"
        )
        write_atomically(path, (header + "".join(f"{u}\n" for u in urls)).encode())
        os.chmod(path, 0o600)
    specs = [
        ListSpec(CONFIRMED_LIST, confirmed, Action.BLOCK, ListFormat.TEXT),
        ListSpec(PROVISIONAL_LIST, provisional, Action.WARN, ListFormat.TEXT),
    ]
    return ReviewInputs(specs, allowlist, lists)


def listed_urls(inputs: ReviewInputs, report: CompileReport | None) -> list[str]:
    """The confirmed URLs a published version carries: all but the lines it rejected (a URL
    the compiler refused stays ``confirmed``, and its line is printed with the reason)."""
    path = str(inputs.confirmed_path)
    refused = {item.line for item in (report.rejected if report else []) if item.path == path}
    # line 1 is the header comment, URL number i is on line i + 2
    return [url for i, url in enumerate(inputs.lists.confirmed) if i + 2 not in refused]
