"""Transitional alias of :mod:`linkscreen.bundle.format` for branches started before it moved.

New code imports ``linkscreen.bundle.format``; this module goes once every branch has rebased.
"""

from __future__ import annotations

from .bundle.format import *  # noqa: F403
from .bundle.format import (  # noqa: F401  (names the old module had beyond __all__)
    ACTION_CODES,
    ACTIONS_BY_CODE,
    KEY_ID_BYTES,
    MAX_BUNDLE_BYTES,
    SALT_BYTES,
    SHORTENER_POLICY_ALLOW,
    SHORTENER_POLICY_WARN,
    SIGNATURE_BYTES,
    tag_at,
    tag_bits_for,
)
