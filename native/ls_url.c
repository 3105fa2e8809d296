/* Canonical URLs and their readings: the C twin of sdk/linkscreen/canonical.py, _host.py and
 * _percent.py, step for step (docs/canonicalization.md). Strings are bytes; every result is
 * built in the caller's workspace. */
#include "ls_internal.h"

typedef struct {
    const uint8_t *p;
    size_t n;
} span;

static span mkspan(const uint8_t *p, size_t n) {
    span s = {p, n};
    return s;
}

static int hexval(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static uint8_t ascii_lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static int is_alpha(uint8_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Decimal (or lowercase hex) digits of v at out; returns the count. No stdio: the WebAssembly
 * build links no I/O at all. */
static size_t put_uint(char *out, uint32_t v, unsigned base) {
    char digits[12];
    size_t n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    for (size_t i = 0; i < n; i++) out[i] = digits[n - 1 - i];
    return n;
}

static size_t put_quad(char *out, uint32_t v) {
    size_t w = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        w += put_uint(out + w, (v >> shift) & 255, 10);
        if (shift) out[w++] = '.';
    }
    out[w] = 0;
    return w;
}

static int has_escape(span s) {
    for (size_t i = 0; i + 2 < s.n; i++) {
        if (s.p[i] == '%' && hexval(s.p[i + 1]) >= 0 && hexval(s.p[i + 2]) >= 0) return 1;
    }
    return 0;
}

/* One round of %XX decoding, left to right, not re-scanning decoded bytes. */
static size_t unescape_round(const uint8_t *in, size_t n, uint8_t *out, int *changed) {
    size_t w = 0;
    *changed = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '%' && i + 2 < n && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
            out[w++] = (uint8_t)(hexval(in[i + 1]) << 4 | hexval(in[i + 2]));
            i += 2;
            *changed = 1;
        } else {
            out[w++] = in[i];
        }
    }
    return w;
}

static ls_status unescape_once(ls_workspace *ws, span in, span *out) {
    uint8_t *buf = ls_alloc(ws, in.n + 1);
    if (!buf) return LS_ERR_WORKSPACE;
    int changed;
    size_t n = unescape_round(in.p, in.n, buf, &changed);
    *out = mkspan(buf, n);
    return LS_OK;
}

/* Unescape until no escape is left, at most LS_MAX_UNESCAPE_ROUNDS rounds (_percent.py). */
static ls_status unescape_fully(ls_workspace *ws, span in, span *out) {
    if (!ls_has_byte(in.p, in.n, '%')) {
        *out = in;
        return LS_OK;
    }
    uint8_t *a = ls_alloc(ws, in.n + 1), *b = ls_alloc(ws, in.n + 1);
    if (!a || !b) return LS_ERR_WORKSPACE;
    span cur = in;
    for (int round = 0; round < LS_MAX_UNESCAPE_ROUNDS; round++) {
        if (!ls_has_byte(cur.p, cur.n, '%')) {
            *out = cur;
            return LS_OK;
        }
        uint8_t *target = (cur.p == a) ? b : a;
        int changed;
        size_t n = unescape_round(cur.p, cur.n, target, &changed);
        if (!changed) {
            *out = cur;
            return LS_OK;
        }
        cur = mkspan(target, n);
    }
    if (has_escape(cur)) return LS_ERR_URL_LIMIT;
    *out = cur;
    return LS_OK;
}

/* Which bytes escape() writes as %XX, a bit per kind of component: every one escapes bytes
 * <= 0x20, >= 0x7F, '#' and '%'; a path also '?' and '\', a host also '/', '?', '@', ':',
 * '\', '[' and ']'. A table of the 256 bytes, computed by the compiler from that rule. */
enum { ESCAPE_QUERY = 1, ESCAPE_PATH = 2, ESCAPE_HOST = 4 };
#define LS_ESC(c)                                                                            \
    (((c) <= 0x20 || (c) >= 0x7F || (c) == '#' || (c) == '%' ? 7 : 0) |                      \
     ((c) == '?' || (c) == '\\' ? 6 : 0) |                                                   \
     ((c) == '/' || (c) == '@' || (c) == ':' || (c) == '[' || (c) == ']' ? 4 : 0))
#define LS_ESC4(c) LS_ESC(c), LS_ESC((c) + 1), LS_ESC((c) + 2), LS_ESC((c) + 3)
#define LS_ESC16(c) LS_ESC4(c), LS_ESC4((c) + 4), LS_ESC4((c) + 8), LS_ESC4((c) + 12)
#define LS_ESC64(c) LS_ESC16(c), LS_ESC16((c) + 16), LS_ESC16((c) + 32), LS_ESC16((c) + 48)
static const uint8_t ESCAPES[256] = {LS_ESC64(0), LS_ESC64(64), LS_ESC64(128), LS_ESC64(192)};

/* The bytes that escape in a component of `kind` as %XX (uppercase hex); `in` itself when
 * none is there. */
static ls_status escape(ls_workspace *ws, span in, int kind, span *out) {
    static const char hex[] = "0123456789ABCDEF";
    size_t first = 0;
    if (kind != ESCAPE_HOST) { /* paths and queries, eight bytes at a time */
        while (first + 8 <= in.n) {
            uint64_t w = ls_load64(in.p + first);
            uint64_t hit = ls_word_below(w, 0x21) | (w & LS_HIGHS) | ls_word_has(w, 0x7F) |
                           ls_word_has(w, '#') | ls_word_has(w, '%');
            if (kind == ESCAPE_PATH) hit |= ls_word_has(w, '?') | ls_word_has(w, '\\');
            if (hit) break;
            first += 8;
        }
    }
    while (first < in.n && !(ESCAPES[in.p[first]] & kind)) first++;
    if (first == in.n) {
        *out = in;
        return LS_OK;
    }
    size_t need = in.n;
    for (size_t i = first; i < in.n; i++) need += ESCAPES[in.p[i]] & kind ? 2 : 0;
    uint8_t *buf = ls_alloc(ws, need);
    if (!buf) return LS_ERR_WORKSPACE;
    memcpy(buf, in.p, first);
    size_t w = first;
    for (size_t i = first; i < in.n; i++) {
        uint8_t c = in.p[i];
        if (ESCAPES[c] & kind) {
            buf[w++] = '%';
            buf[w++] = (uint8_t)hex[c >> 4];
            buf[w++] = (uint8_t)hex[c & 15];
        } else {
            buf[w++] = c;
        }
    }
    *out = mkspan(buf, w);
    return LS_OK;
}

/* ---- input -------------------------------------------------------------------------------- */

static int starts_encoded_web_url(span t) {
    static const char *prefixes[] = {"http%3a", "https%3a", "ftp%3a"};
    if (t.n < 6 || (t.p[3] != '%' && t.p[4] != '%' && t.p[5] != '%')) return 0;
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(prefixes[i]);
        if (t.n < len) continue;
        size_t j = 0;
        while (j < len && ascii_lower(t.p[j]) == (uint8_t)prefixes[i][j]) j++;
        if (j == len) return 1;
    }
    return 0;
}

/* canonical._prepare (bounded) and _prepare_text (bounded == 0): trim C0 and space, drop
 * tab/CR/LF, decode a wholly encoded URL. */
static ls_status prepare(ls_workspace *ws, const uint8_t *url, size_t len, span *out, int bounded) {
    /* a character is at least one byte: only a URL of more bytes than the limit can have
     * more characters than it */
    if (bounded && (len > LS_MAX_URL_BYTES ||
                    (len > LS_MAX_URL_CHARS && ls_utf8_char_count(url, len) > LS_MAX_URL_CHARS))) {
        return LS_ERR_URL_LIMIT;
    }
    size_t start = 0, end = len;
    while (start < end && url[start] <= 0x20) start++;
    while (end > start && url[end - 1] <= 0x20) end--;
    /* the first tab, line feed or carriage return (all below 0x0e); without one, the text is
     * the input itself (every reading is built anew in the workspace) */
    size_t i = start;
    for (;;) {
        i += ls_scan_below(url + i, end - i, 0x0e);
        if (i >= end || url[i] == '\t' || url[i] == '\n' || url[i] == '\r') break;
        i++;
    }
    span text = mkspan(url + start, end - start);
    if (i < end) {
        uint8_t *buf = ls_alloc(ws, end - start + 1);
        if (!buf) return LS_ERR_WORKSPACE;
        size_t w = i - start;
        memcpy(buf, url + start, w);
        for (; i < end; i++) {
            uint8_t c = url[i];
            if (c != '\t' && c != '\n' && c != '\r') buf[w++] = c;
        }
        text = mkspan(buf, w);
    }
    for (int i = 0; i < 3 && starts_encoded_web_url(text); i++) {
        LS_TRY(unescape_once(ws, text, &text));
    }
    *out = text;
    return LS_OK;
}

/* ---- scheme --------------------------------------------------------------------------------- */

/* Length of a _SCHEME match ("scheme:" including the colon) at the start of t, or 0. */
static size_t scheme_match(span t) {
    if (!t.n || !is_alpha(t.p[0])) return 0;
    size_t i = 1;
    while (i < t.n && (is_alpha(t.p[i]) || is_digit(t.p[i]) || t.p[i] == '+' || t.p[i] == '.' ||
                       t.p[i] == '-')) {
        i++;
    }
    return (i < t.n && t.p[i] == ':') ? i + 1 : 0;
}

static int span_eq(span s, const char *lit) {
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* The web scheme a lowercased scheme name means ("hxxp" -> "http"), or NULL. */
static const char *web_scheme(span lower) {
    if (span_eq(lower, "http") || span_eq(lower, "ttp") || span_eq(lower, "hxxp")) return "http";
    if (span_eq(lower, "https") || span_eq(lower, "ttps") || span_eq(lower, "hxxps")) return "https";
    if (span_eq(lower, "ftp")) return "ftp";
    return NULL;
}

static int other_scheme(span lower) {
    static const char *names[] = {"about", "blob", "chrome", "data", "file", "intent",
                                  "javascript", "magnet", "mailto", "market", "sms", "tel",
                                  "vbscript", "ws", "wss"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (span_eq(lower, names[i])) return 1;
    }
    return 0;
}

/* _HOST_AND_PORT: "name:digits" then / \ ? # or the end (the name holds no / \ ? # : @). */
static int host_and_port(span t) {
    size_t i = 0;
    while (i < t.n && t.p[i] != '/' && t.p[i] != '\\' && t.p[i] != '?' && t.p[i] != '#' &&
           t.p[i] != ':' && t.p[i] != '@') {
        i++;
    }
    if (i == 0 || i >= t.n || t.p[i] != ':') return 0;
    size_t j = i + 1;
    while (j < t.n && is_digit(t.p[j])) j++;
    if (j == i + 1) return 0;
    return j == t.n || t.p[j] == '/' || t.p[j] == '\\' || t.p[j] == '?' || t.p[j] == '#';
}

/* Lowercased scheme name of a match of length m, in buf (at most 64 bytes used). */
static span lower_scheme(span t, size_t m, uint8_t *buf, size_t cap) {
    size_t n = m - 1 < cap ? m - 1 : cap;
    for (size_t i = 0; i < n; i++) buf[i] = ascii_lower(t.p[i]);
    return mkspan(buf, m - 1 < cap ? n : 0);
}

static ls_status split_scheme(span t, const char **scheme, span *rest) {
    size_t m = scheme_match(t);
    if (m) {
        uint8_t buf[16];
        span lower = lower_scheme(t, m, buf, sizeof buf); /* longer names match nothing below */
        const char *web = m - 1 <= sizeof buf ? web_scheme(lower) : NULL;
        if (web) {
            *scheme = web;
            *rest = mkspan(t.p + m, t.n - m);
            return LS_OK;
        }
        int has_dot = ls_has_byte(t.p, m - 1, '.');
        if ((m - 1 <= sizeof buf && other_scheme(lower)) || (!has_dot && !host_and_port(t))) {
            return LS_ERR_INVALID_URL;
        }
        *scheme = "http";
        *rest = t;
        return LS_OK;
    }
    if (t.n && (t.p[0] == '/' || t.p[0] == '\\')) {
        if (t.n < 2 || (t.p[1] != '/' && t.p[1] != '\\')) return LS_ERR_INVALID_URL;
    }
    *scheme = "http";
    *rest = t;
    return LS_OK;
}

/* ---- IPv4 ---------------------------------------------------------------------------------- */

#define IPV4_BIG UINT64_C(0x1000000000) /* any value past 2^32 stands for "too big" */

/* One WHATWG IPv4 part: 0x hex, 0 octal, else decimal. 0 if not a number. */
static int ipv4_number(span part, uint64_t *value) {
    const uint8_t *d = part.p;
    size_t n = part.n;
    unsigned base = 10;
    if (n >= 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
        d += 2;
        n -= 2;
        base = 16;
        if (!n) {
            *value = 0;
            return 1;
        }
    } else if (n > 1 && d[0] == '0') {
        d += 1;
        n -= 1;
        base = 8;
    }
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) {
        if (!(is_digit(d[i]) || is_alpha(d[i]))) return 0; /* isascii() and isalnum() */
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int digit = hexval(d[i]);
        if (!(is_digit(d[i]) || is_alpha(d[i]))) return 0; /* isascii() and isalnum() */
        if (digit < 0 || (unsigned)digit >= base) return 0;
        if (v < IPV4_BIG) v = v * base + (unsigned)digit;
        if (v > IPV4_BIG) v = IPV4_BIG;
    }
    *value = v;
    return 1;
}

static int all_digits(span s) {
    if (!s.n) return 0;
    for (size_t i = 0; i < s.n; i++) {
        if (!is_digit(s.p[i])) return 0;
    }
    return 1;
}

/* _host._parse_ipv4: 1 with the dotted quad in out (16 bytes), 0 for a host name, or
 * LS_ERR_INVALID_URL for a host that ends in a number but is not an IPv4 address. */
static ls_status parse_ipv4(span host, char out[16], int *is_ip) {
    size_t last_dot = host.n;
    size_t parts = 1;
    for (size_t i = 0; i < host.n; i++) {
        if (host.p[i] == '.') {
            parts++;
            last_dot = i;
        }
    }
    span last = last_dot == host.n ? host : mkspan(host.p + last_dot + 1, host.n - last_dot - 1);
    uint64_t value;
    if (!all_digits(last) && !ipv4_number(last, &value)) {
        *is_ip = 0;
        return LS_OK;
    }
    if (parts > 4) return LS_ERR_INVALID_URL;
    uint64_t numbers[4];
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= host.n; i++) {
        if (i == host.n || host.p[i] == '.') {
            if (!ipv4_number(mkspan(host.p + start, i - start), &numbers[count])) {
                return LS_ERR_INVALID_URL;
            }
            count++;
            start = i + 1;
        }
    }
    for (size_t i = 0; i + 1 < count; i++) {
        if (numbers[i] > 255) return LS_ERR_INVALID_URL;
    }
    if (numbers[count - 1] >= (UINT64_C(1) << (8 * (5 - count)))) return LS_ERR_INVALID_URL;
    uint64_t v = numbers[count - 1];
    for (size_t i = 0; i + 1 < count; i++) v += numbers[i] << (8 * (3 - i));
    put_quad(out, (uint32_t)v);
    *is_ip = 1;
    return LS_OK;
}

/* ---- IPv6 (Python's ipaddress.IPv6Address parser and compressed form) -------------------- */

static int parse_hextet(span s, uint32_t *value) {
    if (!s.n || s.n > 4) return 0;
    uint32_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        int d = hexval(s.p[i]);
        if (d < 0) return 0;
        v = v << 4 | (uint32_t)d;
    }
    *value = v;
    return 1;
}

/* ipaddress.IPv4Address: four decimal octets, no leading zeros, each <= 255. */
static int parse_strict_ipv4(span s, uint32_t *value) {
    uint32_t v = 0;
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= s.n; i++) {
        if (i == s.n || s.p[i] == '.') {
            span o = mkspan(s.p + start, i - start);
            if (!o.n || o.n > 3 || !all_digits(o) || (o.n > 1 && o.p[0] == '0')) return 0;
            uint32_t octet = 0;
            for (size_t j = 0; j < o.n; j++) octet = octet * 10 + (uint32_t)(o.p[j] - '0');
            if (octet > 255 || ++count > 4) return 0;
            v = v << 8 | octet;
            start = i + 1;
        }
    }
    if (count != 4) return 0;
    *value = v;
    return 1;
}

static ls_status canonical_ipv6(ls_workspace *ws, span raw, span *out) {
    if (raw.n < 2 || raw.p[raw.n - 1] != ']' || ls_has_byte(raw.p, raw.n, '%')) {
        return LS_ERR_INVALID_URL;
    }
    span s = mkspan(raw.p + 1, raw.n - 2);
    if (!s.n || ls_has_byte(s.p, s.n, '/')) return LS_ERR_INVALID_URL;
    span parts[10];
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= s.n; i++) {
        if (i == s.n || s.p[i] == ':') {
            if (count == 10) return LS_ERR_INVALID_URL;
            parts[count++] = mkspan(s.p + start, i - start);
            start = i + 1;
        }
    }
    if (count < 3) return LS_ERR_INVALID_URL;
    uint32_t tail_v4 = 0;
    int has_v4 = 0;
    if (ls_has_byte(parts[count - 1].p, parts[count - 1].n, '.')) {
        if (!parse_strict_ipv4(parts[count - 1], &tail_v4)) return LS_ERR_INVALID_URL;
        has_v4 = 1;
        count++; /* the IPv4 tail stands for two hextets */
    }
    if (count > 9) return LS_ERR_INVALID_URL;
    /* hextet strings: parts[0..count) with the v4 tail as two synthetic entries */
    uint32_t hextets[8] = {0};
    int skip = -1;
    for (size_t i = 1; i + 1 < count; i++) {
        int empty = (has_v4 && i >= count - 2) ? 0 : parts[i].n == 0;
        if (empty) {
            if (skip >= 0) return LS_ERR_INVALID_URL;
            skip = (int)i;
        }
    }
    int first_empty = parts[0].n == 0;
    int last_empty = has_v4 ? 0 : parts[count - 1].n == 0;
    size_t hi, lo, skipped;
    if (skip >= 0) {
        hi = (size_t)skip;
        lo = count - (size_t)skip - 1;
        if (first_empty) {
            if (--hi) return LS_ERR_INVALID_URL;
        }
        if (last_empty) {
            if (--lo) return LS_ERR_INVALID_URL;
        }
        if (hi + lo >= 8) return LS_ERR_INVALID_URL;
        skipped = 8 - (hi + lo);
    } else {
        if (count != 8 || first_empty || last_empty) return LS_ERR_INVALID_URL;
        hi = count;
        lo = 0;
        skipped = 0;
    }
    (void)skipped;
    /* part i of the expanded list: the v4 tail occupies indexes count-2 and count-1 */
    for (size_t i = 0; i < hi + lo; i++) {
        size_t index = i < hi ? i : count - (hi + lo - i);
        size_t slot = i < hi ? i : 8 - (hi + lo - i);
        uint32_t v;
        if (has_v4 && index == count - 2) {
            v = tail_v4 >> 16;
        } else if (has_v4 && index == count - 1) {
            v = tail_v4 & 0xFFFF;
        } else if (!parse_hextet(parts[index], &v)) {
            return LS_ERR_INVALID_URL;
        }
        hextets[slot] = v;
    }
    char text[64];
    size_t w = 0;
    int mapped = 1;
    for (int i = 0; i < 5; i++) mapped &= hextets[i] == 0;
    int nat64 = hextets[0] == 0x64 && hextets[1] == 0xff9b && !hextets[2] && !hextets[3] &&
                !hextets[4] && !hextets[5];
    if ((mapped && hextets[5] == 0xFFFF) || nat64) {
        w = put_quad(text, hextets[6] << 16 | hextets[7]);
    } else {
        int best = -1, best_len = 0, run = -1, run_len = 0;
        for (int i = 0; i < 8; i++) {
            if (hextets[i] == 0) {
                if (run < 0) run = i;
                run_len++;
                if (run_len > best_len) {
                    best_len = run_len;
                    best = run;
                }
            } else {
                run = -1;
                run_len = 0;
            }
        }
        if (best_len <= 1) best = -1;
        text[w++] = '[';
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                text[w++] = ':';
                if (i == 0) text[w++] = ':';
                i += best_len - 1;
                continue;
            }
            w += put_uint(text + w, hextets[i], 16);
            if (i < 7) text[w++] = ':';
        }
        text[w++] = ']';
    }
    uint8_t *buf = ls_alloc(ws, w);
    if (!buf) return LS_ERR_WORKSPACE;
    memcpy(buf, text, w);
    *out = mkspan(buf, w);
    return LS_OK;
}

/* ---- host ------------------------------------------------------------------------------------ */

static int is_ascii(span s) {
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] >= 0x80) return 0;
    }
    return 1;
}

/* _host._map_idn. *unicode = 1 and *host = mapped UTF-8 when UTS #46 accepts the host, else
 * *unicode = 0 and *host = the raw bytes to escape. */
static ls_status map_idn(ls_workspace *ws, span in, span *host, int *unicode) {
    span cur = in;
    for (int round = 0; round < LS_MAX_UNESCAPE_ROUNDS; round++) {
        uint32_t *cps = (uint32_t *)ls_alloc(ws, (cur.n + 1) * sizeof(uint32_t));
        if (!cps) return LS_ERR_WORKSPACE;
        size_t count = 0;
        for (size_t i = 0; i < cur.n;) {
            uint32_t cp;
            size_t step = ls_utf8_decode(cur.p + i, cur.n - i, &cp);
            if (!step || cp <= 0x20 || cp == 0x7F) {
                *host = cur;
                *unicode = 0;
                return LS_OK;
            }
            cps[count++] = cp;
            i += step;
        }
        uint32_t *mapped;
        size_t mapped_len;
        ls_status status = ls_uts46_remap(ws, cps, count, &mapped, &mapped_len);
        if (status == LS_ERR_INVALID_URL) {
            *host = cur;
            *unicode = 0;
            return LS_OK;
        }
        LS_TRY(status);
        uint8_t *utf8 = ls_alloc(ws, mapped_len * 4 + 1);
        if (!utf8) return LS_ERR_WORKSPACE;
        size_t n = 0;
        int percent = 0;
        for (size_t i = 0; i < mapped_len; i++) {
            n += ls_utf8_encode(mapped[i], utf8 + n);
            percent |= mapped[i] == '%';
        }
        span text = mkspan(utf8, n);
        if (!percent) {
            *host = text;
            *unicode = 1;
            return LS_OK;
        }
        span again;
        LS_TRY(unescape_fully(ws, text, &again));
        if (is_ascii(again)) {
            *host = again;
            *unicode = 1;
            return LS_OK;
        }
        cur = again;
    }
    return LS_ERR_INVALID_URL;
}

/* Drop empty labels: leading, trailing and repeated dots. */
static ls_status collapse_dots(ls_workspace *ws, span host, span *out) {
    int needed = host.n && ls_has_byte(host.p, host.n, '.') &&
                 (host.p[0] == '.' || host.p[host.n - 1] == '.');
    for (size_t i = 0; !needed && i + 1 < host.n; i++) needed = host.p[i] == '.' && host.p[i + 1] == '.';
    if (!needed) {
        *out = host;
        return LS_OK;
    }
    uint8_t *buf = ls_alloc(ws, host.n + 1);
    if (!buf) return LS_ERR_WORKSPACE;
    size_t w = 0, i = 0;
    while (i < host.n) {
        size_t j = i;
        while (j < host.n && host.p[j] != '.') j++;
        if (j > i) {
            if (w) buf[w++] = '.';
            memcpy(buf + w, host.p + i, j - i);
            w += j - i;
        }
        i = j + 1;
    }
    *out = mkspan(buf, w);
    return LS_OK;
}

/* _host._to_punycode: ASCII labels lowercased, others "xn--" + RFC 3492. */
static ls_status to_punycode(ls_workspace *ws, span host, span *out) {
    size_t cap = host.n * 8 + 16;
    uint8_t *buf = ls_alloc(ws, cap);
    uint32_t *cps = (uint32_t *)ls_alloc(ws, (host.n + 1) * sizeof(uint32_t));
    if (!buf || !cps) return LS_ERR_WORKSPACE;
    size_t w = 0, i = 0;
    for (;;) {
        size_t j = i;
        while (j < host.n && host.p[j] != '.') j++;
        span label = mkspan(host.p + i, j - i);
        if (is_ascii(label)) {
            for (size_t k = 0; k < label.n; k++) buf[w++] = ascii_lower(label.p[k]);
        } else {
            size_t count = 0;
            for (size_t k = 0; k < label.n;) {
                uint32_t cp;
                size_t step = ls_utf8_decode(label.p + k, label.n - k, &cp);
                if (!step) return LS_ERR_ARGUMENT; /* mapped text is valid UTF-8 */
                cps[count++] = cp;
                k += step;
            }
            memcpy(buf + w, "xn--", 4);
            w += 4;
            size_t written;
            LS_TRY(ls_punycode_encode(cps, count, buf + w, cap - w, &written));
            w += written;
        }
        if (j >= host.n) break;
        buf[w++] = '.';
        i = j + 1;
    }
    *out = mkspan(buf, w);
    return LS_OK;
}

static ls_status canonical_host(ls_workspace *ws, span raw, span *out) {
    if (raw.n && raw.p[0] == '[') return canonical_ipv6(ws, raw, out);
    span host = raw;
    LS_TRY(unescape_fully(ws, host, &host));
    int unicode = 0;
    if (!is_ascii(host)) LS_TRY(map_idn(ws, host, &host, &unicode));
    LS_TRY(collapse_dots(ws, host, &host));
    if (!host.n) return LS_ERR_INVALID_URL;
    /* a '%' that is no escape: a forbidden host code point a browser refuses (_host.py) */
    if (ls_has_byte(host.p, host.n, '%')) return LS_ERR_INVALID_URL;
    size_t dot = host.n;
    while (dot > 0 && host.p[dot - 1] != '.') dot--;
    if (dot < host.n && is_digit(host.p[dot])) {
        char quad[16];
        int is_ip;
        LS_TRY(parse_ipv4(host, quad, &is_ip));
        if (is_ip) {
            size_t n = strlen(quad);
            uint8_t *buf = ls_alloc(ws, n);
            if (!buf) return LS_ERR_WORKSPACE;
            memcpy(buf, quad, n);
            *out = mkspan(buf, n);
            return LS_OK;
        }
    }
    span name;
    if (unicode) {
        LS_TRY(to_punycode(ws, host, &name));
    } else {
        uint8_t *buf = ls_alloc(ws, host.n + 1);
        if (!buf) return LS_ERR_WORKSPACE;
        for (size_t i = 0; i < host.n; i++) buf[i] = ascii_lower(host.p[i]);
        name = mkspan(buf, host.n);
    }
    return escape(ws, name, ESCAPE_HOST, out);
}

/* canonical._strip_port */
static ls_status strip_port(span hp, span *host) {
    span port;
    if (hp.n && hp.p[0] == '[') {
        const uint8_t *close = memchr(hp.p, ']', hp.n);
        if (!close) return LS_ERR_INVALID_URL;
        size_t end = (size_t)(close - hp.p) + 1;
        *host = mkspan(hp.p, end);
        port = mkspan(hp.p + end, hp.n - end);
        if (port.n && port.p[0] != ':') return LS_ERR_INVALID_URL;
        if (port.n) port = mkspan(port.p + 1, port.n - 1);
    } else {
        const uint8_t *colon = hp.n ? memchr(hp.p, ':', hp.n) : NULL;
        size_t end = colon ? (size_t)(colon - hp.p) : hp.n;
        *host = mkspan(hp.p, end);
        port = colon ? mkspan(colon + 1, hp.n - end - 1) : mkspan(hp.p, 0);
    }
    if (port.n) {
        if (!all_digits(port)) return LS_ERR_INVALID_URL;
        size_t i = 0;
        while (i < port.n && port.p[i] == '0') i++;
        if (port.n - i > 5) return LS_ERR_INVALID_URL;
        uint32_t v = 0;
        for (; i < port.n; i++) v = v * 10 + (uint32_t)(port.p[i] - '0');
        if (v > 65535) return LS_ERR_INVALID_URL;
    }
    return LS_OK;
}

/* ---- path ---------------------------------------------------------------------------------- */

/* Whether the path holds "/." or "//" (a segment to remove or collapse). */
static int has_dot_or_empty_segment(span s) {
    const uint8_t *p = s.p, *end = s.p + s.n;
    while (p + 1 < end && (p = memchr(p, '/', (size_t)(end - 1 - p))) != NULL) {
        if (p[1] == '.' || p[1] == '/') return 1;
        p++;
    }
    return 0;
}

static ls_status canonical_path(ls_workspace *ws, span path, span *out) {
    if (!path.n) {
        *out = mkspan((const uint8_t *)"/", 1);
        return LS_OK;
    }
    LS_TRY(unescape_fully(ws, path, &path));
    if (path.p[0] != '/' || has_dot_or_empty_segment(path)) {
        /* segments are kept as (start, length) pairs in the workspace */
        size_t *segs = (size_t *)ls_alloc(ws, (path.n + 2) * 2 * sizeof(size_t));
        uint8_t *buf = ls_alloc(ws, path.n + 2);
        if (!segs || !buf) return LS_ERR_WORKSPACE;
        size_t nseg = 0, i = 0;
        span lastpart = path;
        for (;;) {
            size_t j = i;
            while (j < path.n && path.p[j] != '/') j++;
            span part = mkspan(path.p + i, j - i);
            lastpart = part;
            if (part.n == 2 && part.p[0] == '.' && part.p[1] == '.') {
                if (nseg) nseg--;
            } else if (part.n && !(part.n == 1 && part.p[0] == '.')) {
                segs[2 * nseg] = i;
                segs[2 * nseg + 1] = part.n;
                nseg++;
            }
            if (j >= path.n) break;
            i = j + 1;
        }
        int trailing = (lastpart.n == 0 || (lastpart.n == 1 && lastpart.p[0] == '.') ||
                        (lastpart.n == 2 && lastpart.p[0] == '.' && lastpart.p[1] == '.')) &&
                       nseg > 0;
        size_t w = 0;
        buf[w++] = '/';
        for (size_t k = 0; k < nseg; k++) {
            if (k) buf[w++] = '/';
            memcpy(buf + w, path.p + segs[2 * k], segs[2 * k + 1]);
            w += segs[2 * k + 1];
        }
        if (trailing) buf[w++] = '/';
        path = mkspan(buf, w);
    }
    return escape(ws, path, ESCAPE_PATH, out);
}

/* ---- one reading ------------------------------------------------------------------------------ */

static ls_status canonical_reading(ls_workspace *ws, span text, int browser, span *out) {
    const char *scheme;
    span rest;
    LS_TRY(split_scheme(text, &scheme, &rest));
    size_t skip = 0;
    while (skip < rest.n && (rest.p[skip] == '/' || (browser && rest.p[skip] == '\\'))) skip++;
    rest = mkspan(rest.p + skip, rest.n - skip);
    size_t end = 0;
    while (end < rest.n) {
        uint8_t c = rest.p[end];
        if (c == '/' || c == '?' || c == '#' || (browser && c == '\\')) break;
        end++;
    }
    span authority = mkspan(rest.p, end), tail = mkspan(rest.p + end, rest.n - end);
    size_t at = ls_has_byte(authority.p, authority.n, '@') ? authority.n : 0;
    while (at > 0 && authority.p[at - 1] != '@') at--;
    span host_port = mkspan(authority.p + at, authority.n - at), raw_host, host;
    LS_TRY(strip_port(host_port, &raw_host));
    LS_TRY(canonical_host(ws, raw_host, &host));

    const uint8_t *hash = tail.n ? memchr(tail.p, '#', tail.n) : NULL;
    if (hash) tail.n = (size_t)(hash - tail.p);
    const uint8_t *q = tail.n ? memchr(tail.p, '?', tail.n) : NULL;
    span path = q ? mkspan(tail.p, (size_t)(q - tail.p)) : tail;
    span query = q ? mkspan(q + 1, tail.n - path.n - 1) : mkspan(tail.p, 0);
    if (browser && ls_has_byte(path.p, path.n, '\\')) {
        uint8_t *buf = ls_alloc(ws, path.n);
        if (!buf) return LS_ERR_WORKSPACE;
        for (size_t i = 0; i < path.n; i++) buf[i] = path.p[i] == '\\' ? '/' : path.p[i];
        path = mkspan(buf, path.n);
    }
    span cpath, cquery = mkspan(NULL, 0);
    LS_TRY(canonical_path(ws, path, &cpath));
    if (q) {
        LS_TRY(unescape_fully(ws, query, &query));
        LS_TRY(escape(ws, query, ESCAPE_QUERY, &cquery));
    }
    size_t slen = strlen(scheme);
    size_t total = slen + 3 + host.n + cpath.n + (q ? 1 + cquery.n : 0);
    uint8_t *buf = ls_alloc(ws, total);
    if (!buf) return LS_ERR_WORKSPACE;
    size_t w = 0;
    memcpy(buf, scheme, slen);
    w += slen;
    memcpy(buf + w, "://", 3);
    w += 3;
    memcpy(buf + w, host.p, host.n);
    w += host.n;
    memcpy(buf + w, cpath.p, cpath.n);
    w += cpath.n;
    if (q) {
        buf[w++] = '?';
        if (cquery.n) memcpy(buf + w, cquery.p, cquery.n);
        w += cquery.n;
    }
    *out = mkspan(buf, w);
    return LS_OK;
}

/* canonical._authority_region: (start, length) of the widest possible authority. */
static span authority_region(span t) {
    size_t m = scheme_match(t), start = 0;
    if (m) {
        uint8_t buf[16];
        span lower = lower_scheme(t, m, buf, sizeof buf);
        if (m - 1 <= sizeof buf && web_scheme(lower)) start = m;
    }
    while (start < t.n && (t.p[start] == '/' || t.p[start] == '\\')) start++;
    size_t end = start;
    while (end < t.n && t.p[end] != '/' && t.p[end] != '?' && t.p[end] != '#') end++;
    return mkspan(t.p + start, end - start);
}

ls_status ls_variants_internal(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                               size_t *count, int browser_only) {
    span text;
    LS_TRY(prepare(ws, url, len, &text, 1));
    span readings[LS_MAX_VARIANTS];
    int browser[LS_MAX_VARIANTS];
    size_t nread = 0;
    readings[nread] = text;
    browser[nread++] = 1;
    if (!browser_only &&
        (ls_has_byte(text.p, text.n, '%') || ls_has_byte(text.p, text.n, '\\'))) {
        span region = authority_region(text);
        if (ls_has_byte(region.p, region.n, '\\')) {
            readings[nread] = text;
            browser[nread++] = 0;
        }
        if (ls_has_byte(region.p, region.n, '%')) {
            span decoded_region;
            LS_TRY(unescape_fully(ws, region, &decoded_region));
            size_t before = (size_t)(region.p - text.p), after = text.n - before - region.n;
            uint8_t *buf = ls_alloc(ws, before + decoded_region.n + after + 1);
            if (!buf) return LS_ERR_WORKSPACE;
            memcpy(buf, text.p, before);
            if (decoded_region.n) memcpy(buf + before, decoded_region.p, decoded_region.n);
            if (after) memcpy(buf + before + decoded_region.n, region.p + region.n, after);
            span decoded = mkspan(buf, before + decoded_region.n + after);
            readings[nread] = decoded;
            browser[nread++] = 1;
            if (ls_has_byte(decoded.p, decoded.n, '\\')) {
                readings[nread] = decoded;
                browser[nread++] = 0;
            }
        }
    }
    size_t found = 0;
    ls_status first_error = LS_OK;
    for (size_t i = 0; i < nread; i++) {
        span canonical = {NULL, 0};
        ls_status status = canonical_reading(ws, readings[i], browser[i], &canonical);
        if (status == LS_ERR_INVALID_URL || status == LS_ERR_URL_LIMIT) {
            if (first_error == LS_OK) first_error = status;
            continue;
        }
        LS_TRY(status);
        int seen = 0;
        for (size_t k = 0; k < found && !seen; k++) {
            seen = out[k].len == canonical.n && memcmp(out[k].ptr, canonical.p, canonical.n) == 0;
        }
        if (!seen) {
            out[found].ptr = canonical.p;
            out[found].len = canonical.n;
            found++;
        }
    }
    if (!found) return first_error == LS_OK ? LS_ERR_INVALID_URL : first_error;
    *count = found;
    return LS_OK;
}

/* ---- host-only reading (canonical.host_only_variants) -------------------------------------- */

/* Bytes of the first `chars` characters of p[0..n) (surrogateescape counting). */
static size_t char_prefix(const uint8_t *p, size_t n, size_t chars, int *cut) {
    size_t i = 0, count = 0;
    while (i < n && count < chars) {
        uint32_t cp;
        size_t step = p[i] < 0x80 ? 1 : ls_utf8_decode(p + i, n - i, &cp);
        i += step ? step : 1;
        count++;
    }
    *cut = i < n;
    return i;
}

static ls_status host_only_reading(ls_workspace *ws, span text, int browser, int cut, span *out) {
    const char *scheme;
    span rest;
    LS_TRY(split_scheme(text, &scheme, &rest));
    size_t skip = 0;
    while (skip < rest.n && (rest.p[skip] == '/' || (browser && rest.p[skip] == '\\'))) skip++;
    rest = mkspan(rest.p + skip, rest.n - skip);
    size_t end = 0;
    while (end < rest.n) {
        uint8_t c = rest.p[end];
        if (c == '/' || c == '?' || c == '#' || (browser && c == '\\')) break;
        end++;
    }
    if (end == rest.n && cut) return LS_ERR_URL_LIMIT; /* the host may go on past the scan */
    span authority = mkspan(rest.p, end);
    size_t at = ls_has_byte(authority.p, authority.n, '@') ? authority.n : 0;
    while (at > 0 && authority.p[at - 1] != '@') at--;
    span hp = mkspan(authority.p + at, authority.n - at), raw, host;
    if (hp.n && hp.p[0] == '[') {
        const uint8_t *close = memchr(hp.p, ']', hp.n);
        raw = close ? mkspan(hp.p, (size_t)(close - hp.p) + 1) : hp;
    } else {
        const uint8_t *colon = hp.n ? memchr(hp.p, ':', hp.n) : NULL;
        raw = mkspan(hp.p, colon ? (size_t)(colon - hp.p) : hp.n);
    }
    LS_TRY(canonical_host(ws, raw, &host));
    size_t slen = strlen(scheme), total = slen + 3 + host.n + 1;
    uint8_t *buf = ls_alloc(ws, total);
    if (!buf) return LS_ERR_WORKSPACE;
    memcpy(buf, scheme, slen);
    memcpy(buf + slen, "://", 3);
    memcpy(buf + slen + 3, host.p, host.n);
    buf[total - 1] = '/';
    *out = mkspan(buf, total);
    return LS_OK;
}

/* canonical._without_userinfo: the URL without everything from after its scheme and slashes
 * to the last '@' before the first '/', '?' or '#'; 0 when there is no such '@'. */
static ls_status without_userinfo(ls_workspace *ws, const uint8_t *url, size_t len, span *out,
                                  int *found) {
    size_t begin = 0;
    *found = 0;
    while (begin < len && url[begin] <= 0x20) begin++;
    begin += scheme_match(mkspan(url + begin, len - begin));
    while (begin < len && (url[begin] == '/' || url[begin] == '\\')) begin++;
    size_t end = begin;
    while (end < len && url[end] != '/' && url[end] != '?' && url[end] != '#') end++;
    size_t at = end;
    while (at > begin && url[at - 1] != '@') at--;
    if (at == begin || begin > 4 * LS_HOST_SCAN_CHARS) return LS_OK; /* nothing, or no host */
    /* only the first LS_HOST_SCAN_CHARS characters are read: keep enough bytes for one more
     * (at most 4 bytes each), so the reading still knows whether the URL went on */
    size_t keep = len - at, most = 4 * (LS_HOST_SCAN_CHARS + 1);
    if (keep > most) keep = most;
    uint8_t *buf = ls_alloc(ws, begin + keep + 1);
    if (!buf) return LS_ERR_WORKSPACE;
    memcpy(buf, url, begin);
    if (keep) memcpy(buf + begin, url + at, keep);
    *out = mkspan(buf, begin + keep);
    *found = 1;
    return LS_OK;
}

ls_status ls_host_only_internal(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                                size_t *count) {
    int cut;
    size_t prefix = char_prefix(url, len, LS_HOST_SCAN_CHARS, &cut);
    span text;
    LS_TRY(prepare(ws, url, prefix, &text, 0));
    span readings[LS_MAX_VARIANTS];
    int browser[LS_MAX_VARIANTS];
    size_t nread = 0;
    ls_status first_error = LS_OK;
    readings[nread] = text;
    browser[nread++] = 1;
    span region = authority_region(text);
    if (ls_has_byte(region.p, region.n, '\\')) {
        readings[nread] = text;
        browser[nread++] = 0;
    }
    if (ls_has_byte(region.p, region.n, '%')) {
        span decoded_region;
        ls_status status = unescape_fully(ws, region, &decoded_region);
        if (status == LS_ERR_URL_LIMIT || status == LS_ERR_INVALID_URL) {
            first_error = status;
        } else {
            LS_TRY(status);
            size_t before = (size_t)(region.p - text.p), after = text.n - before - region.n;
            uint8_t *buf = ls_alloc(ws, before + decoded_region.n + after + 1);
            if (!buf) return LS_ERR_WORKSPACE;
            memcpy(buf, text.p, before);
            if (decoded_region.n) memcpy(buf + before, decoded_region.p, decoded_region.n);
            if (after) memcpy(buf + before + decoded_region.n, region.p + region.n, after);
            span decoded = mkspan(buf, before + decoded_region.n + after);
            readings[nread] = decoded;
            browser[nread++] = 1;
            if (ls_has_byte(decoded.p, decoded.n, '\\')) {
                readings[nread] = decoded;
                browser[nread++] = 0;
            }
        }
    }
    size_t found = 0;
    for (size_t i = 0; i < nread; i++) {
        span host = {NULL, 0};
        ls_status status = host_only_reading(ws, readings[i], browser[i], cut, &host);
        if (status == LS_ERR_INVALID_URL || status == LS_ERR_URL_LIMIT) {
            if (first_error == LS_OK) first_error = status;
            continue;
        }
        LS_TRY(status);
        int seen = 0;
        for (size_t k = 0; k < found && !seen; k++) {
            seen = out[k].len == host.n && memcmp(out[k].ptr, host.p, host.n) == 0;
        }
        if (!seen) {
            out[found].ptr = host.p;
            out[found].len = host.n;
            found++;
        }
    }
    if (!found && cut) {
        /* the host may sit behind more userinfo than the scan reads (canonical.py) */
        span shorter;
        int has_userinfo;
        LS_TRY(without_userinfo(ws, url, len, &shorter, &has_userinfo));
        if (has_userinfo) {
            ls_status status = ls_host_only_internal(ws, shorter.p, shorter.n, out, count);
            if (status != LS_ERR_INVALID_URL && status != LS_ERR_URL_LIMIT) return status;
        }
    }
    if (!found) return first_error == LS_OK ? LS_ERR_INVALID_URL : first_error;
    *count = found;
    return LS_OK;
}
