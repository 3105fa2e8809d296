"""The trust checks the mutation count deletes or inverts, one row each (tests/mutation/run.py).

A row is ``(file, anchor, replacement, tests)``: the anchor is source text that must occur
exactly once in the file; the mutant replaces it; ``tests`` are the pytest arguments that
should notice (the fast tests nearest the check). Most rows turn a check's condition into
``False`` (deleted) or drop a call; a few invert or weaken it. When code under a row moves,
tests/test_mutation_table.py fails and names the row: update the anchor with the code.

Left out on purpose, as equivalent mutants (no behaviour can tell them apart):

- the individual address classes of ``public_addresses_only`` (every loopback, private or
  link-local address is also "not global"; the loop that refuses them is in the table), and
  its NAT64 reading (``64:ff9b::/96`` lies in ``::/8``, reserved, so it is refused anyway;
  only the message names the embedded address);
- counting good signatures by key id rather than by signature (Ed25519 signatures are
  deterministic and a key id is the hash of its key, so the two sets have the same size);
- ``follow``'s check of the chain's time before a hop (the request it would make gets
  ``min(timeout, time left)`` and is refused by the per-request check the table keeps);
- the Updater's own size-and-hash check of each download (the trust core checks the same
  file again, with the same error, before using it);
- size bounds that only an input of a gigabyte or more could reach.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    file: str
    anchor: str
    replacement: str
    tests: tuple[str, ...]

    @property
    def name(self) -> str:
        """The file and the anchor on one line (shortened), for reports."""
        text = " / ".join(line.strip() for line in self.anchor.strip().splitlines())
        return f"{self.file.rsplit('/', 1)[-1]}: {text[:90]}"

    @property
    def key(self) -> str:
        """Stable while the row is unchanged (tests/mutation/killers.json is keyed by it)."""
        row = "\0".join((self.file, self.anchor, self.replacement))
        return hashlib.sha256(row.encode()).hexdigest()[:16]


META = "sdk/linkscreen/metadata.py"
TRUST = "sdk/linkscreen/trust.py"
UPDATER = "sdk/linkscreen/updater.py"
DELTA = "sdk/linkscreen/bundle/delta.py"
READER = "sdk/linkscreen/bundle/_reader.py"
FORMAT = "sdk/linkscreen/bundle/format.py"
FETCH = "sdk/linkscreen/fetch.py"
REDIRECTS = "sdk/linkscreen/redirects.py"
EXPANDER = "sdk/linkscreen/expander.py"
JOIN = "sdk/linkscreen/_join.py"
MATCHER = "sdk/linkscreen/matcher.py"
READINGS = "sdk/linkscreen/_readings.py"
RESULTS = "sdk/linkscreen/results.py"
CONVERSATION = "sdk/linkscreen/conversation.py"
WRAPPERS = "sdk/linkscreen/_wrappers.py"
EXTRACT = "sdk/linkscreen/extract.py"
SALVAGE = "sdk/linkscreen/_salvage.py"
EVIDENCE = "sdk/linkscreen/_evidence.py"
FOLD = "sdk/linkscreen/_fold.py"
PROBE = "sdk/linkscreen/_probe.py"
APPSCHEMES = "sdk/linkscreen/_appschemes.py"
REFANG = "sdk/linkscreen/_refang.py"
PERCENT = "sdk/linkscreen/_percent.py"
VIEWS = "sdk/linkscreen/_views.py"

T_TRUST = ("tests/test_trust_core.py",)
T_UPDATER = (
    "tests/test_updater_attacks.py",
    "tests/test_updater_scenarios.py",
    "-k",
    "not http",
)
T_DELTA = ("tests/test_bundle_delta.py", "tests/test_trust_core.py")
T_BUNDLE = ("tests/test_bundle_reader.py", "tests/test_bundle_security.py")
T_FETCH = ("tests/test_fetch.py",)
T_EXPAND = ("tests/test_expander_attacks.py", "tests/test_shortlinks.py", "tests/test_fetch.py")
T_TARGETS = ("tests/test_redirect_targets.py",)
T_SCHEMES = ("tests/test_app_schemes.py",)
T_BOUNDS = ("tests/test_conversation_bounds.py",)
T_PAYLOADS = ("tests/test_fail_closed_payloads.py",)
T_REFUSED = ("tests/test_refused_hosts.py",)
T_SHOWN = ("tests/test_shown_hosts.py",)
T_CLOSE = ("tests/test_after_close.py",)
T_A17 = ("tests/test_attack17.py",)
T_LINEAR = ("tests/test_extract_linear.py",)
T_MARKS = ("tests/test_marks_after.py",)
T_GATE = ("tests/test_wrapper_gate.py",)
T_WRAP16 = ("tests/test_wrappers_round16.py",)
T_BREAKS = ("tests/test_breaks_and_brackets.py",)
T_A13 = ("tests/test_attack13_misses.py",)
T_A14 = ("tests/test_attack14.py", "tests/test_refused_hosts.py")
T_USERINFO = ("tests/test_userinfo_without_scheme.py", "tests/test_attack14.py")
T_ALARMS3 = ("tests/test_alarms_round3.py",)
T_SPACED = ("tests/test_spaced_letters_round2.py",)
T_A15 = ("tests/test_attack15.py", "tests/test_spaced_letters_round2.py")
T_SPACED3 = ("tests/test_spaced_letters_round3.py", "-k", "not linear and not native")
T_ROUND12 = ("tests/test_word_pairs_round12.py",)
T_SPACED4 = ("tests/test_spaced_letters_round4.py", "-k", "not pure")


def _off(file: str, condition: str, tests: tuple[str, ...]) -> Mutant:
    """The check ``if <condition>:`` deleted (its condition made False)."""
    return Mutant(file, f"if {condition}:", "if False:", tests)


def _drop(file: str, statement: str, tests: tuple[str, ...], keep: str = "") -> Mutant:
    """A statement (a call that checks) deleted; ``keep`` stands in its place."""
    indent = statement[: len(statement) - len(statement.lstrip())]
    return Mutant(file, statement, indent + (keep or "pass"), tests)


MUTANTS: tuple[Mutant, ...] = (
    # ---- metadata: parsing, signatures, fields ------------------------------------------
    _off(META, "len(raw) > MAX_METADATA_BYTES", T_TRUST),
    _off(META, 'signed.get("_type") != kind', T_TRUST),
    _off(META, "len(good) < threshold", T_TRUST),
    Mutant(
        META,
        'key.verify(bytes.fromhex(str(entry.get("sig"))), message)',
        'bytes.fromhex(str(entry.get("sig")))',
        T_TRUST,
    ),
    Mutant(META, "or isinstance(value, bool) or value < 0", "", T_TRUST),
    _off(META, "now > expires + leeway", T_TRUST),
    _off(META, "key_id_of(key).hex() != keyid", T_TRUST),
    _off(META, "version != expected_version", T_TRUST),
    _off(META, "not 1 <= new_threshold <= len(root_keys)", T_TRUST),
    _drop(
        META,
        '    _check_signatures("root", signed, signatures, root_keys, new_threshold)',
        T_TRUST,
    ),
    _off(META, "not is_safe_path(path)", T_TRUST),
    _off(META, "not is_sha256_hex(sha256)", T_TRUST),
    Mutant(
        META,
        r'r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(?:/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,7}"',
        r'r"[A-Za-z0-9._-]{1,128}(?:/[A-Za-z0-9._-]{1,128}){0,7}"',
        T_TRUST,
    ),
    _off(META, "version != pointer.version", T_TRUST),
    _drop(META, '    _check_expiry("manifest", version, expires, now, leeway)', T_TRUST),
    _drop(META, '        _check_expiry("pointer", version, expires, now, leeway)', T_TRUST),
    Mutant(
        META,
        "not isinstance(deltas_raw, list) or len(deltas_raw) > MAX_DELTAS",
        "not isinstance(deltas_raw, list)",
        T_TRUST,
    ),
    Mutant(
        META,
        'if not isinstance(state, dict) or not is_sha256_hex(state.get("sha256")):',
        "if not isinstance(state, dict):",
        T_TRUST,
    ),
    Mutant(
        META,
        'if not isinstance(entry, dict) or not is_sha256_hex(entry.get("from_sha256")):',
        "if not isinstance(entry, dict):",
        T_TRUST,
    ),
    # ---- the trust core ------------------------------------------------------------------
    _off(TRUST, "target < self.root_version", T_TRUST),
    _off(TRUST, "target - self.root_version > MAX_ROOT_STEPS", T_TRUST),
    _off(TRUST, "self.now > expires + self.leeway_s", T_TRUST),
    _off(TRUST, "pointer.root_version != self.root.version", T_TRUST),
    _off(TRUST, "pointer.version < trusted.version", T_TRUST),
    Mutant(TRUST, "and pointer.manifest.sha256 != trusted.manifest_sha256", "and False", T_TRUST),
    Mutant(
        TRUST,
        "self.pointer.version == self.trusted.version > 0",
        "self.pointer.version >= self.trusted.version > 0",
        T_TRUST,
    ),
    _drop(TRUST, "        self.check_file(self.pointer.manifest, raw)", T_TRUST),
    _off(TRUST, "info.size > limit", T_TRUST),
    _off(TRUST, "len(data) != info.size", T_TRUST),
    _off(TRUST, "hashlib.sha256(data).hexdigest() != info.sha256", T_TRUST),
    _drop(TRUST, "        self.check_file(delta.file, data)", T_TRUST),
    _off(TRUST, "hashlib.sha256(old_payload).hexdigest() != delta.from_sha256", T_TRUST),
    Mutant(
        TRUST,
        '            raise DeltaError(f"delta cannot be applied: {type(exc).__name__}: {exc}")'
        " from None\n        self.check_state(payload)",
        '            raise DeltaError(f"delta cannot be applied: {type(exc).__name__}: {exc}")'
        " from None",
        T_TRUST,
    ),
    _drop(TRUST, "        self.check_file(manifest.full, data)", T_TRUST),
    Mutant(
        TRUST,
        "        payload = bytes(view)\n        self.check_state(payload)",
        "        payload = bytes(view)",
        T_TRUST,
    ),
    Mutant(
        TRUST,
        'raise UpgradeRequiredError(f"full bundle: {exc}") from None',
        'raise UnusablePayloadError(f"full bundle: {exc}") from None',
        T_TRUST,
    ),
    _off(TRUST, "len(payload) != manifest.state_size", T_TRUST),
    _off(TRUST, "hashlib.sha256(payload).hexdigest() != manifest.state_sha256", T_TRUST),
    _drop(TRUST, "        check_usable(payload)", T_TRUST),
    Mutant(
        TRUST,
        'raise UpgradeRequiredError(f"this SDK cannot use the payload: {exc}") from None',
        'raise UnusablePayloadError(f"this SDK cannot use the payload: {exc}") from None',
        T_TRUST,
    ),
    Mutant(
        TRUST,
        "max(trusted.pointer_expires, self.pointer.expires)",
        "trusted.pointer_expires",
        T_TRUST,
    ),
    _off(TRUST, "not has_payload", T_TRUST),
    _off(TRUST, "now > trusted.pointer_expires + leeway_s", T_TRUST),
    _off(TRUST, "now > trusted.manifest_expires + leeway_s", T_TRUST),
    _off(TRUST, "now - last_success > 2 * update_period_s", T_TRUST),
    Mutant(TRUST, "        floor = committed\n", "        floor = versions[0].trusted\n", T_TRUST),
    Mutant(
        TRUST,
        "not candidate.payload_ok or version.version > floor.version",
        "not candidate.payload_ok",
        T_TRUST,
    ),
    Mutant(
        TRUST,
        "not candidate.payload_ok or version.version > floor.version",
        "version.version > floor.version",
        T_TRUST,
    ),
    _off(
        TRUST,
        "version.version == floor.version and version.state_sha256 != floor.state_sha256",
        T_TRUST,
    ),
    # ---- the updater: orchestration, storage, healing -----------------------------------
    _drop(
        UPDATER,
        "            core.confirm_unchanged()  # past the pointer's expiry: frozen, not up to date",
        T_UPDATER,
    ),
    Mutant(
        UPDATER,
        "state.pointer_etag if has_payload else None,",
        "state.pointer_etag,",
        T_UPDATER,
    ),
    Mutant(
        UPDATER,
        "return bool(self.match_payload) and self.match_sha256 == self.state_sha256",
        "return bool(self.match_payload)",
        T_UPDATER,
    ),
    _off(UPDATER, "pointer.manifest.sha256 == state.unusable_manifest_sha256", T_UPDATER),
    Mutant(
        UPDATER,
        "if path.name not in (state.payload, state.manifest):\n"
        "                    path.unlink(missing_ok=True)",
        "if path.name not in (state.payload, state.manifest):\n                    pass",
        T_UPDATER,
    ),
    _drop(UPDATER, '            remove_temporaries([self.dir, self.dir / "roots"])', T_UPDATER),
    Mutant(
        UPDATER,
        "int(stale.stem) >= version:\n                        stale.unlink(missing_ok=True)",
        "int(stale.stem) >= version:\n                        pass",
        T_UPDATER,
    ),
    Mutant(
        UPDATER,
        'problem = "" if _file_sha256(path) == sha256 else _DAMAGED',
        'problem = ""',
        T_UPDATER,
    ),
    _off(UPDATER, "hashlib.sha256(data).hexdigest() != state.match_sha256", T_UPDATER),
    _off(UPDATER, "not problem", T_UPDATER),
    Mutant(UPDATER, "cached[:2] == (identity, sha256)", "True", T_UPDATER),
    Mutant(UPDATER, "self._loaded[0] == listing", "True", T_UPDATER),
    Mutant(
        UPDATER,
        "state.match_payload, state.match_manifest})",
        "state.payload, state.manifest})",
        T_UPDATER,
    ),
    _off(UPDATER, "remaining <= 0", ("tests/test_updater_hostile.py", *T_UPDATER)),
    _off(UPDATER, "response.status != 200", T_UPDATER),
    Mutant(
        UPDATER,
        "if response.status == 304 and etag is not None:",
        "if response.status == 304:",
        T_UPDATER,
    ),
    _off(UPDATER, "not acquired", ("tests/test_updater_hostile.py",)),
    _off(UPDATER, "not stored[floor.version].payload_ok", T_UPDATER),
    # ---- the delta applier ---------------------------------------------------------------
    _off(DELTA, "hashlib.sha256(old_payload).hexdigest() != from_sha", T_DELTA),
    _off(DELTA, "section_id not in previous", T_DELTA),
    _off(DELTA, "bloom[bit >> 3] >> (bit & 7) & 1", T_DELTA),
    _off(DELTA, "len(rows) != header.fingerprint_count", T_DELTA),
    _off(DELTA, "hashlib.sha256(payload).hexdigest() != to_sha", T_DELTA),
    Mutant(
        DELTA,
        "if getattr(old.header, name) != getattr(header, name):\n"
        '            raise DeltaError(f"delta changes',
        'if False:\n            raise DeltaError(f"delta changes',
        T_DELTA,
    ),
    _off(DELTA, "header.format_version not in fmt.READABLE_FORMAT_VERSIONS", T_DELTA),
    _drop(DELTA, "        fmt.check_header(header)", T_DELTA),
    _off(DELTA, "count > fmt.MAX_SECTIONS", T_DELTA),
    Mutant(
        DELTA,
        "if section_id <= previous_id:\n                raise DeltaError",
        "if False:\n                raise DeltaError",
        T_DELTA,
    ),
    _off(DELTA, "section_id in fmt.DERIVED_SECTIONS", T_DELTA),
    _off(DELTA, "count > header.bloom_bits", T_DELTA),
    _off(DELTA, "count > rows", T_DELTA),
    Mutant(
        DELTA,
        "if count > MAX_DELTA_ROWS or count * _ROW.size != len(view) - pos:",
        "if count > MAX_DELTA_ROWS:",
        T_DELTA,
    ),
    _off(DELTA, "any(a >= b for a, b in itertools.pairwise(added))", T_DELTA),
    _off(DELTA, "any(tag >= header.list_count for _, tag in added)", T_DELTA),
    _off(DELTA, "index and gap == 0", T_DELTA),
    _off(DELTA, "value >= bound", T_DELTA),
    _off(DELTA, "shift > 63", T_DELTA),
    _off(DELTA, "length > len(view) - pos", T_DELTA),
    _off(DELTA, "any(a >= b for a, b in itertools.pairwise(merged))", T_DELTA),
    Mutant(
        DELTA,
        "if len(delta) < _HASHES_END or delta[:8] not in (MAGIC, MAGIC_V1):",
        "if len(delta) < _HASHES_END:",
        T_DELTA,
    ),
    # ---- the bundle reader: envelope and signature --------------------------------------
    _off(READER, "size < fmt.OVERHEAD", T_BUNDLE),
    _off(READER, "magic != fmt.MAGIC", T_BUNDLE),
    _off(READER, "envelope_version != fmt.ENVELOPE_VERSION", T_BUNDLE),
    _off(READER, "algorithm != fmt.SIG_ED25519 or reserved != 0", T_BUNDLE),
    _off(READER, "length != size - fmt.OVERHEAD", T_BUNDLE),
    Mutant(
        READER,
        "key.verify(bytes(view[signed_end:]), view[:signed_end])",
        "bytes(view[signed_end:])",
        T_BUNDLE,
    ),
    _off(READER, "version != CANONICALIZATION_VERSION", T_BUNDLE),
    _off(READER, "hashlib.sha256(data).hexdigest() != sha256", T_BUNDLE),
    # ---- the bundle reader: payload structure --------------------------------------------
    _off(FORMAT, "value not in (0, bytes(spec.size))", T_BUNDLE),
    _off(FORMAT, 'b"\\0" in text or not all(0x20 < byte < 0x7F for byte in text)', T_BUNDLE),
    Mutant(
        FORMAT,
        'if count > MAX_SECTIONS:\n        raise _corrupt(f"{count} sections exceeds',
        'if False:\n        raise _corrupt(f"{count} sections exceeds',
        T_BUNDLE,
    ),
    Mutant(
        FORMAT,
        'if expected > len(payload):\n        raise _corrupt("section directory',
        'if False:\n        raise _corrupt("section directory',
        T_BUNDLE,
    ),
    Mutant(
        FORMAT,
        "if section_id <= previous_id:\n            raise _corrupt",
        "if False:\n            raise _corrupt",
        T_BUNDLE,
    ),
    Mutant(
        FORMAT,
        "if reserved:\n            raise _corrupt(f\"section {section_id}'s reserved",
        "if False:\n            raise _corrupt(f\"section {section_id}'s reserved",
        T_BUNDLE,
    ),
    _off(FORMAT, "offset != expected", T_BUNDLE),
    _off(FORMAT, "length > len(payload) - offset", T_BUNDLE),
    _off(FORMAT, "expected > len(payload) or any(payload[end:expected])", T_BUNDLE),
    _off(FORMAT, "expected != len(payload)", T_BUNDLE),
    _off(FORMAT, "end > len(self.data)", T_BUNDLE),
    _off(FORMAT, "action_value not in ACTIONS_BY_CODE", T_BUNDLE),
    Mutant(
        FORMAT,
        "if reserved:\n            raise _corrupt(\"a list record's",
        "if False:\n            raise _corrupt(\"a list record's",
        T_BUNDLE,
    ),
    _off(FORMAT, "messages > MAX_MESSAGES_PER_LIST", T_BUNDLE),
    Mutant(
        FORMAT, "    reader.end()\n    return tuple(lists)", "    return tuple(lists)", T_BUNDLE
    ),
    _off(FORMAT, "len(lists_raw) > max_list_table_bytes(n)", T_BUNDLE),
    _off(FORMAT, "policy not in SHORTENER_POLICIES or reserved1 or reserved2", T_BUNDLE),
    _off(FORMAT, "not raw or not raw.isascii() or raw <= previous", T_BUNDLE),
    _off(FORMAT, "len(records) <= total", T_BUNDLE),
    _off(FORMAT, "-(-used * 6 // 8) != len(stream) or any(records[total])", T_BUNDLE),
    _off(FORMAT, "stream and stream[-1] & ((1 << (len(stream) * 8 - used * 6)) - 1)", T_BUNDLE),
    _off(FORMAT, "records and min(map(len, records)) < 2", T_BUNDLE),
    _off(FORMAT, "joined.translate(None, _NAME_SYMBOLS + bytes([END_SYMBOL]))", T_BUNDLE),
    _off(FORMAT, "not all(map(operator.lt, names, names[1:]))", T_BUNDLE),
    _off(FORMAT, "sum(counts) > MAX_PSL_RULES or sum(counts) * 2 > len(data)", T_BUNDLE),
    _off(
        FORMAT,
        'any("." not in name for name in rules.icann_exceptions + rules.private_exceptions)',
        T_BUNDLE,
    ),
    _off(
        FORMAT,
        "offsets[0] != 0 or offsets[256] != count or not all(map(operator.le, offsets, "
        "offsets[1:]))",
        T_BUNDLE,
    ),
    _off(FORMAT, "value >> total", T_BUNDLE),
    _off(FORMAT, "value.bit_count() != count", T_BUNDLE),
    _off(FORMAT, "(value & ((1 << start) - 1)).bit_count() != offsets[top]", T_BUNDLE),
    _off(FORMAT, "value >> (start - 1) & 1", T_BUNDLE),
    _drop(
        FORMAT,
        '            raise _corrupt(f"fingerprint rows {row} and {row + 1} are not strictly '
        'ascending")',
        T_BUNDLE,
    ),
    _off(FORMAT, "count and max(values) >= lists", T_BUNDLE),
    _off(FORMAT, "tags.tobytes().translate(None, valid)", T_BUNDLE),
    _off(FORMAT, "used % 8 and tags[-1] >> (used % 8)", T_BUNDLE),
    _off(FORMAT, "version not in READABLE_FORMAT_VERSIONS", T_BUNDLE),
    _off(FORMAT, "size is not None and length != size", T_BUNDLE),
    _off(FORMAT, "not header.tag_bits and Section.TAGS in sections", T_BUNDLE),
    _off(FORMAT, "not p and Section.BUCKETS in sections", T_BUNDLE),
    _off(FORMAT, "version == 1 and Section.PSL in sections", T_BUNDLE),
    _off(
        FORMAT,
        "not 0 < header.bloom_k <= MAX_BLOOM_K or header.bloom_bits % 64 or not header.bloom_bits",
        T_BUNDLE,
    ),
    _drop(
        FORMAT,
        '        raise _corrupt(f"{header.list_count} lists do not fit '
        '{header.tag_bits} tag bits")',
        T_BUNDLE,
    ),
    _off(FORMAT, "header.list_count == 0", T_BUNDLE),
    _off(FORMAT, "header.fingerprint_prefix_bytes not in allowed", T_BUNDLE),
    # ---- fetch: addresses, URL reading, caps and deadlines ------------------------------
    Mutant(
        FETCH,
        'if reason is not None:\n                return f"{address} embeds {reason}"',
        'if False:\n                return f"{address} embeds {reason}"',
        T_FETCH,
    ),
    Mutant(
        FETCH,
        '        if hit:\n            return f"{address} is a {name} address"',
        '        if False:\n            return f"{address} is a {name} address"',
        T_FETCH,
    ),
    Mutant(
        FETCH,
        'return None if reason is None else f"{self.host}: {reason}"',
        "return None",
        T_EXPAND,
    ),
    _off(FETCH, 'self.host == "localhost" or self.host.endswith(".localhost")', T_EXPAND),
    Mutant(FETCH, "elif _DNS_NAME.fullmatch(host) is None:", "elif False:", T_EXPAND),
    _off(FETCH, "port == 0", T_FETCH),
    Mutant(
        FETCH,
        "if refusal is not None:\n            raise BlockedAddressError(refusal)",
        "if False:\n            raise BlockedAddressError(refusal)",
        T_FETCH,
    ),
    Mutant(
        FETCH,
        "if reason is not None:\n                    raise BlockedAddressError",
        "if False:\n                    raise BlockedAddressError",
        T_FETCH,
    ),
    Mutant(
        FETCH,
        "sock.connect((text, where.port))",
        "sock.connect((where.host, where.port))",
        T_FETCH,
    ),
    Mutant(
        FETCH,
        "        self._sock.settimeout(_remaining(self._deadline))\n"
        "        self._sock.sendall(data)",
        "        self._sock.sendall(data)",
        T_FETCH,
    ),
    Mutant(
        FETCH,
        "        self._sock.settimeout(_remaining(self._deadline))\n"
        "        return self._sock.recv_into(buffer)",
        "        return self._sock.recv_into(buffer)",
        T_FETCH,
    ),
    _off(FETCH, "total > limit", T_FETCH),
    _off(FETCH, "self.received > self._cap", T_FETCH),
    Mutant(
        FETCH,
        "return self._sock.count(self._sock.recv_into(buffer))",
        "return self._sock.recv_into(buffer)",
        T_FETCH,
    ),
    _off(FETCH, "answer.length", T_FETCH),
    _off(FETCH, "len(response.body) > request.max_bytes", T_FETCH),
    _off(FETCH, "worker.is_alive()", T_FETCH),
    # ---- redirects and the expander: what is requested ----------------------------------
    _off(REDIRECTS, "not before_request(current)", T_EXPAND),
    Mutant(
        REDIRECTS,
        'if refusal is not None:\n            chain.stopped, chain.error = "blocked-address"',
        'if False:\n            chain.stopped, chain.error = "blocked-address"',
        T_EXPAND,
    ),
    Mutant(
        REDIRECTS,
        "policy = None if allow_private else public_addresses_only",
        "policy = None",
        T_EXPAND,
    ),
    _off(REDIRECTS, "target in seen", T_EXPAND),
    _off(REDIRECTS, "len(chain.hops) - 1 >= max_hops", T_EXPAND),
    _off(REDIRECTS, "left <= 0", T_EXPAND),
    # ---- where a response sends the browser: joining, Refresh, meta refresh --------------
    Mutant(JOIN, '_SLASHES = "/\\\\"', '_SLASHES = "/"', T_TARGETS),
    Mutant(JOIN, 'if rest[1:2] in ("/", "\\\\"):', 'if rest[1:2] == "/":', T_TARGETS),
    Mutant(JOIN, 'if rest[:1] in ("/", "\\\\"):', 'if rest[:1] == "/":', T_TARGETS),
    Mutant(JOIN, 'not in "/\\\\?#"', 'not in "/?#"', T_TARGETS),
    _off(JOIN, 'not host_port or host_port.startswith(":")', T_TARGETS),
    _off(REDIRECTS, "refresh", T_TARGETS),
    _off(REDIRECTS, 'lower.startswith(b"<!--", start)', T_TARGETS),
    Mutant(REDIRECTS, "elif name in _RAW_TEXT:", "elif False:", T_TARGETS),
    _off(REDIRECTS, "not complete", T_TARGETS),
    _off(REDIRECTS, 'content[position] not in ";," + _HTML_SPACE', T_TARGETS),
    Mutant(
        EXPANDER,
        "return verdict.action is not Action.BLOCK",
        "return True",
        T_EXPAND,
    ),
    Mutant(
        EXPANDER,
        "verdicts.append(_unchecked(hop, unchecked[-1]))\n                return False",
        "verdicts.append(_unchecked(hop, unchecked[-1]))\n                return True",
        T_EXPAND,
    ),
    _off(EXPANDER, "unchecked", T_EXPAND),
    # ---- fail closed on what the canonicaliser refuses: app-launch and unknown schemes ---
    Mutant(
        MATCHER,
        "return self._scheme_plan(url, exc)",
        "return _Plan(None, (), exc.reason)",
        T_SCHEMES,
    ),
    _off(MATCHER, "opened is not None and (opened[0].urls or opened[1])", T_SCHEMES),
    _drop(
        MATCHER,
        "            signals = tuple(dict.fromkeys((*signals, Signal.UNKNOWN_SCHEME)))",
        T_SCHEMES,
    ),
    Mutant(
        MATCHER,
        "if not plan.expressions or not self._readable_host(plan.expressions[0]):",
        "if True:",
        T_SCHEMES,
    ),
    Mutant(
        MATCHER,
        "if not plan.expressions or not self._readable_host(plan.expressions[0]):",
        "if not plan.expressions:",
        T_SCHEMES,
    ),
    _off(MATCHER, "cut", T_SCHEMES),
    Mutant(
        RESULTS,
        "frozenset({Signal.HOST_ONLY, Signal.UNCHECKED, Signal.UNKNOWN_SCHEME})",
        "frozenset({Signal.HOST_ONLY, Signal.UNCHECKED})",
        T_SCHEMES,
    ),
    _off(READINGS, "opened is not None and (opened[0].urls or opened[1])", T_SCHEMES),
    _off(READINGS, "opened[1]", T_SCHEMES),
    # ---- the conversation's bound: what it pushed out is reported, every kept host joined --
    _off(CONVERSATION, "len(items) == items.maxlen", T_BOUNDS),
    Mutant(
        CONVERSATION, "            victim = 0\n", "            victim = len(items) - 1\n", T_BOUNDS
    ),
    _off(CONVERSATION, "self._dropped.pop(key, 0) is None or self._overflowed", T_BOUNDS),
    _drop(CONVERSATION, "                    self._overflowed = True", T_BOUNDS),
    _drop(CONVERSATION, "            self._evicted = [self._messages, self._messages]", T_BOUNDS),
    _off(MATCHER, "paths and held.hosts_evicted", T_BOUNDS),
    _off(MATCHER, "hosts and held.paths_evicted", T_BOUNDS),
    Mutant(
        EXTRACT,
        "hosts = list(dict.fromkeys([*hosts, *recent]))",
        "hosts = list(dict.fromkeys([*hosts, *recent]))[:MAX_CONTEXT_HOSTS]",
        T_BOUNDS,
    ),
    _off(EXTRACT, "len(recent) > MAX_CONVERSATION_HOSTS and notes is not None", T_BOUNDS),
    _off(EXTRACT, "len(hosts) >= MAX_CONTEXT_HOSTS and len(distinct[0]) > taken", T_BOUNDS),
    _off(EXTRACT, "nearest_only and notes is not None", T_BOUNDS),
    _off(WRAPPERS, "not decoded and failed is not None", T_PAYLOADS),
    Mutant(WRAPPERS, "_targets_once(link, rules, cut)", "_targets_once(link, rules)", T_PAYLOADS),
    _off(REDIRECTS, "response.truncated and 200 <= response.status < 300", T_PAYLOADS),
    _off(
        EXTRACT,
        "len(given) > MAX_CONVERSATION_PATHS and (loose_hosts or found) and notes is not None",
        T_BOUNDS,
    ),
    # ---- refused hosts and non-ASCII URLs (ADR 0029) -----------------------------------
    _off(MATCHER, "salvaged is not None", T_REFUSED),
    Mutant(
        MATCHER,
        "() if placeholder else (Signal.UNCHECKED,),",
        "(),",
        T_REFUSED,
    ),
    Mutant(
        MATCHER,
        "if not url.isascii() and authority.isascii() and not hidden:",
        "if True:",
        T_REFUSED,
    ),
    _off(MATCHER, "address is not None", T_REFUSED),
    Mutant(SALVAGE, "if not host or _DOTTED.fullmatch(host) is None:", "if not host:", T_REFUSED),
    _off(SALVAGE, "digits != host", T_REFUSED),
    _off(SALVAGE, "bracketed", T_REFUSED),
    # ---- a word break hidden as a blank or zero-width character; <host> (ADR 0012) --------
    _off(EXTRACT, "_BREAKS.search(text) is not None", T_BREAKS),
    Mutant(EVIDENCE, "    return glued\n", "    return True\n", T_BREAKS),
    Mutant(EVIDENCE, "    return glued\n", "    return False\n", T_BREAKS),
    # ---- attack 13: escapes, markup, shouted schemes, defang words (ADR 0012) ------------
    Mutant(FOLD, '    "|\\x9b[0-9;:]+[A-Za-z@]"\n', "", T_A13),
    Mutant(FOLD, '    "|\\x1b[ -/]+[0-~]|\\x1b[78=>]"\n', "", T_A13),
    Mutant(
        EXTRACT,
        'judged = _fold.blank_controls(text) if "\\x1b" in text or "\\x9b" in text else text',
        "judged = text",
        T_A13,
    ),
    Mutant(EXTRACT, "return view if view is start else refang(view)", "return view", T_A13),
    _off(EXTRACT, "_NESTED.search(view.text) is not None", T_A13),
    Mutant(EXTRACT, "            look = refang(look)", "            pass", T_A13),
    Mutant(EXTRACT, "alternatives.append(refang(wide))", "alternatives.append(wide)", T_A13),
    Mutant(READINGS, "body = body if sep else url", "body = url", T_A13),
    Mutant(APPSCHEMES, '"microsoft-edge", "view-source", "blob"', '"microsoft-edge"', T_A13),
    # ---- attack 14: joins across a new link, unseen breaks, <name>, refused hosts --------
    _off(READINGS, "_NEW_LINK.match(text, joint.end) is not None", T_A14),
    Mutant(
        EXTRACT,
        '        judged = _BREAKS.sub(" ", judged)',
        "        pass",
        T_A14,
    ),
    _off(EVIDENCE, "markup or url[:1].isupper() or _TAG_KEYWORD.search(ahead) is not None", T_A14),
    Mutant(MATCHER, 'if "//" not in url[:16] and "%" not in url:', "if True:", T_A14),
    _off(MATCHER, "refused and written_web_scheme(url) is not None", T_A14),
    Mutant(
        MATCHER,
        "if not readings and (not strict or templated(url)):",
        "if not readings:",
        T_A14,
    ),
    Mutant(
        MATCHER,
        "placeholder = not strict and parts is not None and parts[3] and checked",
        "placeholder = False",
        T_A14,
    ),
    Mutant(SALVAGE, '    host = _HOST_EDGES.sub("", host)', "    pass", T_A14),
    _off(READINGS, '"." in name', T_USERINFO),
    Mutant(
        READINGS,
        'return rest[:1] == "/" and _USERINFO_PATH.match(rest) is not None',
        'return rest[:1] == "/"',
        T_USERINFO,
    ),
    # ---- attack 13: code member chains, quoted shell, spaced ellipses, word slashes --------
    _off(EVIDENCE, "bangs and identifier_shaped(url[bangs:])", T_ALARMS3),
    Mutant(
        EXTRACT,
        'identifier_shaped(named.lstrip("!"))',
        "identifier_shaped(named)",
        T_ALARMS3,
    ),
    _off(
        EVIDENCE,
        "_CONDITION_BEFORE.search(before) and _CONDITION_AFTER.match(after) is not None",
        T_ALARMS3,
    ),
    Mutant(
        EVIDENCE,
        "_CONDITION_BEFORE.search(before) and _CONDITION_AFTER.match(after) is not None",
        "_CONDITION_BEFORE.search(before)",
        T_ALARMS3,
    ),
    Mutant(EVIDENCE, 'r"|:=)\\s*$"', 'r")\\s*$"', T_ALARMS3),
    _off(EVIDENCE, "line is not None and _condition_row(line.text, url)", T_ALARMS3),
    Mutant(EVIDENCE, 'end = "|$" if name.count(".") >= 2 else ""', 'end = "|$"', T_ALARMS3),
    _off(
        EVIDENCE,
        'line is not None and line.in_shell_span("!" * bangs + url, before, after)',
        T_ALARMS3,
    ),
    Mutant(EVIDENCE, "(sentence or spaced_ellipsis(url, written))", "sentence", T_ALARMS3),
    Mutant(
        EVIDENCE,
        "if not written or not ellipsis_reading(url) or not _word_shaped(url):",
        "if not written or not ellipsis_reading(url):",
        T_ALARMS3,
    ),
    Mutant(
        MATCHER,
        "or (Technique.SPACING in evidence and ellipsis_reading(candidate.url))",
        "or False",
        T_ALARMS3,
    ),
    Mutant(
        EVIDENCE,
        "if path_after(text, end) and not word_slash_pair(text, start, end):\n"
        "        return Technique.CONFUSABLE",
        "if path_after(text, end):\n        return Technique.CONFUSABLE",
        T_ALARMS3,
    ),
    Mutant(
        EVIDENCE,
        "if path_after(text, end) and not word_slash_pair(text, start, end):\n        return False",
        "if path_after(text, end):\n        return False",
        T_ALARMS3,
    ),
    _off(EVIDENCE, "second not in _PAIR_WORDS or last not in _PAIR_WORDS", T_ALARMS3),
    Mutant(
        EVIDENCE,
        'r"(?:[~#\\uff5e\\uff03\\u2219\\uff0e][A-Za-z]{1,12})?\\.?[^\\x00-\\x7f]*"',
        'r"[^\\x00-\\x7f]*"',
        T_ALARMS3,
    ),
    # ---- spaced letters, round 2 (ADR 0012 tenth round, fifth slice) ----------------------
    Mutant(EXTRACT, 'rf"|(?<={_OTHER_LETTER})(?=[A-Za-z0-9]))"', 'rf")"', T_SPACED),
    Mutant(
        EXTRACT,
        'return ".".join(unit.replace(sep, "") for unit in units)',
        'return word.replace(sep, "")',
        T_SPACED,
    ),
    Mutant(
        EXTRACT,
        'joined = _GLUED_SCHEME.sub(" ", " ".join(_join_units(word, sep) for word in words))',
        'joined = " ".join(_join_units(word, sep) for word in words)',
        T_SPACED,
    ),
    Mutant(
        EXTRACT,
        "if len(label) < 3 or not label.isalpha() or label.lower() in tlds:",
        "if len(label) < 3 or not label.isalpha():",
        T_SPACED,
    ),
    Mutant(EXTRACT, "alternatives.extend(_spaced_views(broken, reader.tlds))", "pass", T_SPACED),
    Mutant(
        EXTRACT, "for longest in (True, False) if cuts else ():", "for longest in ():", T_SPACED
    ),
    Mutant(
        EXTRACT,
        'return "".join("." if _SPACED_DOT_UNIT.fullmatch(u) else u for u in units) + tail, False',
        "return match.group(), False",
        T_SPACED,
    ),
    Mutant(
        EXTRACT,
        "return _has_spaced_dot(text) and _SPACED_LETTERS.search(text) is not None",
        "return False",
        T_SPACED,
    ),
    Mutant(
        READINGS,
        'and "://" in text[match.end() : _atom_end(text, match.end(), len(text))]:',
        "and False:",
        T_SPACED,
    ),
    Mutant(READINGS, "gate.scheme_stop(first)", "_NEVER", T_SPACED),
    _off(READINGS, 'match.lastgroup == "punct" and _spaced_mark(text, match.start())', T_SPACED),
    Mutant(
        READINGS,
        "            wanted = set(lasts)",
        "            quiet = False\n            wanted = set(lasts)",
        T_SPACED,
    ),
    Mutant(
        PROBE,
        "_lib.LS_SCREEN_HOST_ONLY | _lib.LS_SCREEN_CONTROL | _lib.LS_SCREEN_ODD",
        "_lib.LS_SCREEN_HOST_ONLY | _lib.LS_SCREEN_CONTROL",
        T_A14,
    ),
    Mutant(
        MATCHER,
        'plain = _PLAIN_AUTHORITY.match(url) is not None and "\\\\" not in url',
        "plain = True",
        T_A14,
    ),
    # ---- attack 15 -----------------------------------------------------------------------
    Mutant(
        READINGS,
        "second = bisect.bisect_left(schemes, max(schemes[at] + 1, starts[first + 1]))",
        "second = at + 1",
        T_A15,
    ),
    Mutant(
        EXTRACT,
        "_cut_at_tld(tlds, longest), Technique.PROSE_SPACING)",
        "_cut_at_tld(tlds, longest), Technique.SPACED_LETTERS)",
        T_A15,
    ),
    _off(EXTRACT, "marks is not strict", T_A15),
    # ---- spaced letters, round 3 (ADR 0012 eleventh round, attack 15 class B) -------------
    Mutant(
        EXTRACT,
        '_SPACED_DOT_CHARS = "\\u3002\\uff0e\\uff61\\ufe52\\u2024\\u00b7\\u30fb\\uff65\\u2022',
        '_SPACED_DOT_CHARS = "\\u3002\\uff0e\\uff61\\ufe52\\u2024\\u2022',
        T_SPACED3,
    ),
    Mutant(
        EXTRACT,
        'rf"(?:(?:   ?)?(?:{_SPACED_DOT}|{_SPACED_INNER})(?P=sep)){{2,}}"',
        'rf"(?:(?:   ?)?(?:{_SPACED_DOT}|{_SPACED_UNIT})(?P=sep)){{2,}}"',
        T_SPACED3,
    ),
    Mutant(EXTRACT, 'rf"(?P<sep>  ?|[_*~+\\t])"', 'rf"(?P<sep>  ?|[_*~+])"', T_SPACED3),
    Mutant(EXTRACT, "(?<=[A-Za-z]:)(?![/\\\\])", "(?!)", T_SPACED3),
    Mutant(EXTRACT, '(?<=[A-Za-z]:)(?![/\\\\])"', '(?<=[A-Za-z]:)"', T_SPACED3),
    _off(EXTRACT, 'match.string[at - 1 : at] == ":"', T_SPACED3),
    Mutant(
        EXTRACT,
        '(?:-[^\\W_])*-{_HYPHEN_DOT}|(?:-[^\\W_])+\\.[^\\W_](?=-))"',
        '(?:-[^\\W_])*-{_HYPHEN_DOT})"',
        T_SPACED3,
    ),
    Mutant(
        EXTRACT,
        '_HYPHEN_DOT = rf"(?:[.:/{_SPACED_DOT_CHARS}]|',
        '_HYPHEN_DOT = rf"(?:[.:/]|',
        T_SPACED3,
    ),
    _off(
        EXTRACT,
        'match.group("tld").lower() in tlds and ("." not in host or host.startswith("www."))',
        T_SPACED3,
    ),
    Mutant(
        EXTRACT,
        'match.group("tld").lower() in tlds and ("." not in host or host.startswith("www."))',
        'match.group("tld").lower() in tlds',
        T_SPACED3,
    ),
    Mutant(EXTRACT, "if match.start() in guessed:", "if False:", T_SPACED3),
    Mutant(
        EXTRACT, "    made = rewritten.marks[len(base.all_marks()) :]", "    made = []", T_SPACED3
    ),
    Mutant(EXTRACT, "core = word.rstrip(_SENTENCE_MARKS)", "core = word", T_SPACED3),
    Mutant(
        EXTRACT,
        "digits = _DIGITS_THEN_LETTERS.match(core, slash + 1)",
        "digits = None",
        T_SPACED3,
    ),
    Mutant(
        EXTRACT,
        '"-" in text or tabbed) and (',
        '"-" in text) and (',
        T_SPACED3,
    ),
    _off(
        EVIDENCE, "worst is Action.BLOCK and spaced_guess(url, kinds, code or code_like)", T_SPACED3
    ),
    _off(EVIDENCE, "code or Technique.SPACED_LETTERS not in kinds", T_SPACED3),
    _off(EVIDENCE, "kinds & PROSE_TECHNIQUES != {Technique.PROSE_SPACING}", T_SPACED3),
    Mutant(
        EVIDENCE,
        "return len(labels) >= 2 and not all(map(is_word, labels[:-1]))",
        "return len(labels) >= 2",
        T_SPACED3,
    ),
    Mutant(
        MATCHER,
        "if salvaged is None:  # template syntax in the host: no host anyone reads\n"
        "                return _Plan(variants[0], expressions, shortened=shortened)",
        "assert salvaged is not None",
        T_REFUSED,
    ),
    # ---- attack 15 F: hosts hidden behind escapes or spaces (check_url) -----------------
    _off(MATCHER, "hidden and verdict.action is not Action.BLOCK", T_SHOWN),
    Mutant(
        MATCHER,
        "if not url.isascii() and authority.isascii() and not hidden:",
        "if not url.isascii() and authority.isascii():",
        T_SHOWN,
    ),
    Mutant(SALVAGE, "if squeezed != host and squeezed else []", "if False else []", T_SHOWN),
    Mutant(READINGS, "return chr(int(run[2:], 16))", "return run", T_SHOWN),
    Mutant(
        PERCENT,
        'return bytes.fromhex(run.replace("%", "")).decode("utf-8")',
        'return bytes.fromhex(run.replace("%", "")).decode("latin-1")',
        T_SHOWN,
    ),
    Mutant(
        READINGS,
        "kinds = shown.techniques(0, len(decoded)) if shown.text != decoded else ()",
        "kinds = ()",
        T_SHOWN,
    ),
    _off(READINGS, "dotted != shown.text", T_SHOWN),
    Mutant(FOLD, '"." if kind[0] == "," else kind[0]', "kind[0]", T_SHOWN),
    _off(EXTRACT, '"%" in strict.text and _ESCAPE_GATE.search(strict.text) is not None', T_SHOWN),
    Mutant(EXTRACT, "look = _fold.skeleton(unescaped)", "look = None", T_SHOWN),
    _off(EXTRACT, "not plain and _SPACE_IN_HOST_GATE.search(strict.text) is not None", T_SHOWN),
    Mutant(
        MATCHER,
        'if "//" not in url[:16] and "%" not in url:',
        'if "//" not in url[:16]:',
        T_SHOWN,
    ),
    _off(READINGS, '")" in url or "]" in url', T_CLOSE),
    _off(EVIDENCE, 'after[:1] == "?" and _GLUED_QUERY.match(after) is not None', T_A17),
    Mutant(EVIDENCE, "[^\\s?:()]*(?:&", "[^\\s?]*(?:&", T_A17),
    Mutant(EVIDENCE, 'r"(?:[!?][!?1]*|', 'r"(?:[!?]+|', T_A17),
    Mutant(EVIDENCE, "(?:[:;]'?-?", "(?:[:;]-?", T_A17),
    _drop(
        EXTRACT,
        "        forget_path_stop()  # (no message text is kept once the call returns)",
        T_LINEAR,
    ),
    # ---- glued joints: a piece reaches over at most MAX_JOINTS of them, a cut is noted ------
    _drop(
        READINGS,
        '                _note(out, f"a piece was read across at most {MAX_JOINTS} glued joints")',
        T_LINEAR,
    ),
    Mutant(
        READINGS,
        "lowest = joints[index - MAX_JOINTS - 1].end if index > MAX_JOINTS else 0",
        "lowest = 0",
        T_LINEAR,
    ),
    Mutant(READINGS, "ceiling = joints[index + MAX_JOINTS].start", "ceiling = len(text)", T_LINEAR),
    # ---- linear round 2: a path looked for once per token, trailing marks walked once ------
    Mutant(
        EVIDENCE,
        "if known is not text or not start <= end <= stop:",
        "if known is not text:",
        T_LINEAR,
    ),
    Mutant(
        EVIDENCE,
        "if known is not text or not start <= end <= stop:",
        "if not start <= end <= stop:",
        T_LINEAR,
    ),
    Mutant(EVIDENCE, 'return stop < len(text) and text[stop] == "/"', "return True", T_LINEAR),
    _drop(
        READINGS, "                    need = min(need, self._need(match.start(), tlds))", T_LINEAR
    ),
    _drop(READINGS, "            known[at] = need", T_LINEAR),
    Mutant(VIEWS, "            list(self._origin),", "            self._origin,", T_LINEAR),
    Mutant(READINGS, "if 0 <= at < len(url) - 1:", "if 0 <= at < len(head) - 1:", T_CLOSE),
    Mutant(READINGS, 'head = url.split("/", 1)[0]\n', "head = url\n", T_CLOSE),
    Mutant(READINGS, 'if "/" in url[at + 1 :] else _MISSING_SPACE', "", T_CLOSE),
    # ---- speed round 9: the wrapper gate of the extractor --------------------------------
    _off(WRAPPERS, 'url.find("//", after) >= 0', T_GATE),
    Mutant(WRAPPERS, 'lowered.find("http", after) >= 0\n', "False\n", T_GATE),
    Mutant(WRAPPERS, 'or lowered.find("www.", after + 1) >= 0', "", T_GATE),
    Mutant(WRAPPERS, 'or lowered.find("ftp", after) >= 0', "", T_GATE),
    Mutant(WRAPPERS, 'scheme = url.find("://", 0, 12)', "scheme = -1", T_GATE),
    Mutant(WRAPPERS, 'if "R0" in url or "RU" in url or "Ly9" in url:', "if False:", T_GATE),
    Mutant(WRAPPERS, 'or lowered.find("urldefense") >= 0', "", T_GATE),
    Mutant(
        WRAPPERS,
        "return bool(rules) and _any_host(rules).fullmatch(_parts(url)[0]) is not None",
        "return False",
        T_GATE,
    ),
    # ---- twelfth round: word pairs in other languages, parentheses ----------------------
    Mutant(
        EVIDENCE,
        'rest = base_letters(url.split("://", 1)[-1])',
        'rest = url.split("://", 1)[-1]',
        T_ROUND12,
    ),
    Mutant(
        READINGS, "(?<![.-])(?<![^\\W_])[A-Za-z0-9]", "(?<![A-Za-z0-9.-])[A-Za-z0-9]", T_ROUND12
    ),
    _off(
        REFANG,
        "close in _OPENERS and _closes_an_opener(match.string, match.end() - 1, close)",
        T_ROUND12,
    ),
    Mutant(REFANG, "                return spaced", "                return True", T_ROUND12),
    Mutant(REFANG, "            depth += 1", "            pass", T_ROUND12),
    # ---- ADR 0012 eighth session: marks glued after a link (attack 16 A) ----------------
    Mutant(EVIDENCE, "if after[:1] not in _CHAT_FIRST:", "if True:", T_MARKS),
    Mutant(EVIDENCE, "    if mark:\n", "    if False:\n", T_MARKS),
    Mutant(
        EVIDENCE,
        "        if glued:\n            return bool(names - {url, glued})",
        "        if False:\n            return bool(names - {url, glued})",
        T_MARKS,
    ),
    Mutant(
        EVIDENCE, "ambiguous = after[:1] in _AMBIGUOUS_FIRST and", "ambiguous = False and", T_MARKS
    ),
    Mutant(
        EVIDENCE,
        'line_reads_as_code(line.text.replace(url, " "))',
        "line_reads_as_code(line.text)",
        T_MARKS,
    ),
    Mutant(EVIDENCE, "        or (line.elsewhere is not None and line.elsewhere())\n", "", T_MARKS),
    Mutant(
        EVIDENCE,
        "    if all(is_word(label) for label in labels[:-1]):\n        return Signal.CODE\n"
        "    return Signal.CODE_LIKE",
        "    return Signal.CODE_LIKE",
        T_MARKS,
    ),
    Mutant(EVIDENCE, 'if ambiguous and after[0] in "_$":', "if False:", T_MARKS),
    Mutant(
        READINGS,
        'if "/" not in url:  # (a link with a scheme or a path pays this test only)',
        "if False:",
        T_MARKS,
    ),
    Mutant(
        READINGS,
        '            if named is not None:\n                # "jqxvw.example(new)"',
        '            if False:\n                # "jqxvw.example(new)"',
        T_MARKS,
    ),
    Mutant(
        READINGS,
        "if url[dot + 1 : dot + 2].isupper() and _SENTENCE_AFTER.match(text, start + dot):",
        "if False:",
        T_MARKS,
    ),
    Mutant(READINGS, 'if url[-1:] == "-" and end < token_end:', "if False:", T_MARKS),
    Mutant(EXTRACT, '    r"|(?=[:;]-?[()DPpO3|]+(?![^\\s!?])))"', '    r")"', T_MARKS),
    Mutant(
        EXTRACT,
        "return any(end < lo or start > hi for start, end in self._code_lines)",
        "return False",
        T_MARKS,
    ),
    Mutant(MATCHER, "url[-1:] in _CHAT_LAST\n", "False\n", T_MARKS),
    # ---- attack 16: redirect wrappers ------------------------------------------------------
    Mutant(
        MATCHER,
        "own = {*narrowest.techniques, Technique.WRAPPER}",
        "own = set(narrowest.techniques)",
        T_WRAP16,
    ),
    Mutant(
        WRAPPERS,
        "decoded = PCT_RUN.sub(_decoded_run, text)",
        'decoded = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)',
        T_WRAP16,
    ),
    Mutant(
        WRAPPERS, '.partition(":")[0].lower().rstrip(".")', '.partition(":")[0].lower()', T_WRAP16
    ),
    Mutant(WRAPPERS, "restored = _V3_TOKEN.sub(restore, target)", "restored = target", T_WRAP16),
    _off(WRAPPERS, "short", T_WRAP16),
    Mutant(
        WRAPPERS,
        '_BASE64_WEB = re.compile(r"[aS][HF]R[0U]|Ly9")',
        '_BASE64_WEB = re.compile(r"aHR0c")',
        T_WRAP16,
    ),
    Mutant(WRAPPERS, "or _SCHEME_RELATIVE.match(decoded)", "", T_WRAP16),
    _off(WRAPPERS, "any(mark in target for mark in _DEFANG_MARKS)", T_WRAP16),
    _off(WRAPPERS, '"@" in decoded.partition("/")[0] and "://" not in decoded[:12]', T_WRAP16),
    Mutant(WRAPPERS, 'if t and ("." in t or _dot_alike(t))', 'if t and "." in t', T_WRAP16),
    Mutant(MATCHER, "if not scan_may_wrap(url, rules):", 'if url.find("://", 8) < 0:', T_WRAP16),
    Mutant(
        MATCHER, "if native is not None:  # the C screen", "if False:  # the C screen", T_WRAP16
    ),
    Mutant(WRAPPERS, 'if "%" in url and _escaped_target(url):', "if False:", T_GATE),
    # ---- eighth session: spaced letters round 4 (attack 16, G and J) -----------------------
    Mutant(EXTRACT, '\\u2022\\u2219\\u22c5"', '"', T_SPACED4),
    _off(
        EXTRACT, "_may_be_mixed(text, spaced) and _MIXED_SPACED.search(text) is not None", T_SPACED4
    ),
    Mutant(EXTRACT, '        or ",.," in text\n', "", T_SPACED4),
    Mutant(EXTRACT, '        or "|.|" in text\n', "", T_SPACED4),
    Mutant(
        EXTRACT, "    if len(set(seps)) == 1 and seps[0] in _OWN_SEPS:", "    if True:", T_SPACED4
    ),
    Mutant(EXTRACT, "    if not any(dots) or dots[0]", "    if True or dots[0]", T_SPACED4),
    Mutant(EXTRACT, "            edges.append(match.start())", "            pass", T_SPACED4),
    _off(EXTRACT, "_GLUED_LETTER.search(view.text) is not None", T_SPACED4),
    Mutant(EXTRACT, '        before += " "', "        pass", T_SPACED4),
    Mutant(
        EXTRACT,
        "            line = Line(line.text.replace(written, item.url))",
        "            pass",
        T_SPACED4,
    ),
    Mutant(
        READINGS,
        'joint = _Joint(joint.start, joint.end, "", Technique.SPACED_LETTERS)',
        "pass",
        T_SPACED4,
    ),
    Mutant(
        EVIDENCE,
        "    sentence = sentence and host_only and not corroborated",
        "    sentence = False",
        T_SPACED4,
    ),
    Mutant(
        EVIDENCE,
        "(sentence or spaced_ellipsis(url, written))",
        "spaced_ellipsis(url, written)",
        T_SPACED4,
    ),
    Mutant(
        EVIDENCE,
        "    if kinds & LINK_TECHNIQUES - {Technique.SPACING}:",
        "    if False:",
        T_SPACED4,
    ),
    Mutant(
        EVIDENCE,
        "    if start and text[start - 1] not in _SENTENCE_BEFORE:",
        "    if False:",
        T_SPACED4,
    ),
    Mutant(
        EVIDENCE,
        "    if end < len(text) and text[end] not in _SENTENCE_AFTER:",
        "    if False:",
        T_SPACED4,
    ),
    Mutant(EVIDENCE, "or labels[-1].lower() in _LINK_ENDINGS:", ":", T_SPACED4),
    Mutant(
        EVIDENCE, "and is_one_word(label) for label in labels)", "for label in labels)", T_SPACED4
    ),
    Mutant(MATCHER, "                or _spaced_sentence(candidate, text)\n", "", T_SPACED4),
    Mutant(MATCHER, "                        sentence=sentence,\n", "", T_SPACED4),
)
