"""Export confirmed entries for hotlines: CyberTipline-shaped JSON and CSV.

The JSON follows the field names of NCMEC's CyberTipline report (``incidentSummary`` with
``incidentType`` and ``incidentDateTime``, ``internetDetails`` with a ``webPageIncident`` and
its ``url``) plus ``annotations`` (category, techniques, report count, reviewers' reasons). It
is a shape to map from, not a submission: the hotline's own API adds the reporter's details.
No reviewer's or reporter's identity is exported.
"""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

from .workflow import Review

#: CyberTipline incident types per review category.
INCIDENT_TYPES = {
    "csam": "Child Pornography (possession, manufacture, and distribution)",
    "enticement": "Online Enticement of Children for Sexual Acts",
    "sextortion": "Online Enticement of Children for Sexual Acts",
    "trafficking": "Child Sex Trafficking",
    "other": "Misleading Words or Digital Images on the Internet",
}
CSV_COLUMNS = (
    "url",
    "category",
    "incident_type",
    "incident_time",
    "confirmed_time",
    "reports",
    "techniques",
    "state",
)


def _iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def records(review: Review) -> list[dict[str, Any]]:
    out = []
    for item, category, votes in review.confirmed():
        confirms = [v for v in votes if v.decision == "confirm"]
        confirmed_at = max((v.cast_at for v in confirms), default=item.last_reported)
        cat = category or "other"
        out.append(
            {
                "incidentSummary": {
                    "incidentType": INCIDENT_TYPES.get(cat, INCIDENT_TYPES["other"]),
                    "incidentDateTime": _iso(item.first_reported),
                },
                "internetDetails": [
                    {
                        "webPageIncident": {
                            "url": [item.url],
                            "additionalInfo": (
                                f"Reported by {item.reports} app user(s); confirmed by "
                                f"{len(confirms)} reviewer(s) at {_iso(confirmed_at)}."
                            ),
                        }
                    }
                ],
                "annotations": {
                    "category": cat,
                    "techniques": list(item.techniques),
                    "reports": item.reports,
                    "reasons": [v.reason for v in confirms],
                    "confirmedDateTime": _iso(confirmed_at),
                    "state": item.state,
                },
            }
        )
    return out


def to_json(review: Review) -> str:
    document = {"format": "linkscreen-cybertipline-1", "generated": _iso(int(time.time()))}
    document["reports"] = records(review)  # type: ignore[assignment]
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text  # CSV injection


def to_csv(review: Review) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records(review):
        notes = record["annotations"]
        writer.writerow(
            [
                _cell(record["internetDetails"][0]["webPageIncident"]["url"][0]),
                _cell(notes["category"]),
                _cell(record["incidentSummary"]["incidentType"]),
                record["incidentSummary"]["incidentDateTime"],
                notes["confirmedDateTime"],
                notes["reports"],
                _cell(" ".join(notes["techniques"])),
                notes["state"],
            ]
        )
    return buffer.getvalue()
