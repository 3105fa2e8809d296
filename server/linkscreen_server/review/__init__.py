"""The review service (issue 13): reports from apps, review by analysts, and the confirmed,
provisional and allow lists that ``publish --review-db`` compiles (docs/review.md).

Modules, one job each: ``storage`` (SQLite or PostgreSQL, migrations), ``reports`` (the report
contract), ``workflow`` (states and votes), ``accounts`` (users, roles, sessions), ``audit``
(the hash-chained log), ``web`` (the HTTP endpoint and pages), ``export`` (CyberTipline JSON,
CSV), ``lists`` (files for ``publish``), ``ratelimit``, ``defang``, ``command`` (the CLI).
Import the modules themselves: this package imports nothing, so ``linkscreen-server`` runs
without the review extra.
"""
