/* UTF-8, UTS #46 mapping, NFC and punycode for canonical hosts, from the pinned tables in
 * ls_unicode_data.h (rendered from sdk/linkscreen/_unicode_data.py). Mirrors
 * sdk/linkscreen/_unicode.py and the punycode step of _host.py. */
#include "ls_internal.h"
#include "ls_unicode_data.h"

const char *ls_unicode_version(void) { return LS_UNICODE_VERSION; }

/* ---- UTF-8 --------------------------------------------------------------------------- */

size_t ls_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp) {
    uint8_t b0 = p[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    uint32_t value;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2;
        value = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3;
        value = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F; /* no UTF-16 surrogates */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4;
        value = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (n < need) return 0;
    for (size_t i = 1; i < need; i++) {
        uint8_t b = p[i];
        if (b < lo || b > hi) return 0;
        lo = 0x80;
        hi = 0xBF;
        value = (value << 6) | (b & 0x3F);
    }
    *cp = value;
    return need;
}

size_t ls_utf8_encode(uint32_t cp, uint8_t out[4]) {
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

size_t ls_utf8_char_count(const uint8_t *p, size_t n) {
    size_t chars = 0, i = 0;
    while (i < n) {
        if (p[i] < 0x80) { /* ASCII runs, eight bytes at a time: one character per byte */
            size_t run = i;
            while (run + 8 <= n && !(ls_load64(p + run) & LS_HIGHS)) run += 8;
            while (run < n && p[run] < 0x80) run++;
            chars += run - i;
            i = run;
            continue;
        }
        uint32_t cp;
        size_t step = ls_utf8_decode(p + i, n - i, &cp);
        i += step ? step : 1; /* an invalid byte is one character (surrogateescape) */
        chars++;
    }
    return chars;
}

/* ---- UTS #46 ------------------------------------------------------------------------------ */

static size_t uts46_row(uint32_t cp) {
    size_t lo = 0, hi = LS_UTS46_ROWS; /* last row whose start <= cp */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (LS_UTS46_START[mid] <= cp) lo = mid; else hi = mid;
    }
    return lo;
}

int ls_uts46_status(uint32_t cp, const uint8_t **replacement, size_t *replacement_len) {
    size_t row = uts46_row(cp);
    *replacement = LS_UTS46_POOL + LS_UTS46_OFFSET[row];
    *replacement_len = LS_UTS46_LENGTH[row];
    return LS_UTS46_STATUS[row];
}

ls_status ls_uts46_map(uint32_t cp, int *status, ls_str *replacement) {
    if (!status || !replacement || cp > 0x10FFFF) return LS_ERR_ARGUMENT;
    size_t len;
    *status = ls_uts46_status(cp, &replacement->ptr, &len);
    replacement->len = len;
    return LS_OK;
}

ls_status ls_uts46_remap(ls_workspace *ws, const uint32_t *cps, size_t n, uint32_t **out,
                         size_t *out_len) {
    if (n > LS_MAX_MAPPED_CHARS) return LS_ERR_INVALID_URL;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *rep;
        size_t rep_len;
        int status = ls_uts46_status(cps[i], &rep, &rep_len);
        if (status == 'X') return LS_ERR_INVALID_URL;
        total += status == 'M' ? rep_len : 1; /* code points <= UTF-8 bytes */
    }
    uint32_t *mapped = (uint32_t *)ls_alloc(ws, (total + 1) * sizeof(uint32_t));
    if (!mapped) return LS_ERR_WORKSPACE;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *rep;
        size_t rep_len;
        int status = ls_uts46_status(cps[i], &rep, &rep_len);
        if (status == 'K') {
            mapped[count++] = cps[i];
        } else if (status == 'M') {
            size_t at = 0;
            while (at < rep_len) {
                uint32_t cp;
                size_t step = ls_utf8_decode(rep + at, rep_len - at, &cp);
                if (!step) return LS_ERR_ARGUMENT; /* the tables hold valid UTF-8 */
                mapped[count++] = cp;
                at += step;
            }
        } /* 'I': removed */
    }
    return ls_nfc(ws, mapped, count, out, out_len);
}

/* ---- NFC ------------------------------------------------------------------------------------ */

#define SBASE 0xAC00u
#define LBASE 0x1100u
#define VBASE 0x1161u
#define TBASE 0x11A7u
#define LCOUNT 19u
#define VCOUNT 21u
#define TCOUNT 28u
#define NCOUNT (VCOUNT * TCOUNT)
#define SCOUNT (LCOUNT * NCOUNT)

static int find_u32(const uint32_t *table, size_t count, uint32_t cp, size_t *index) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid] < cp) lo = mid + 1; else hi = mid;
    }
    if (lo < count && table[lo] == cp) {
        *index = lo;
        return 1;
    }
    return 0;
}

static uint8_t ccc_of(uint32_t cp) {
    size_t index;
    if (cp < 0x300) return 0; /* fast path: nothing below U+0300 combines */
    return find_u32(LS_CCC_CP, LS_CCC_COUNT, cp, &index) ? LS_CCC_VALUE[index] : 0;
}

static int compose(uint32_t a, uint32_t b, uint32_t *out) {
    if (a >= LBASE && a < LBASE + LCOUNT && b >= VBASE && b < VBASE + VCOUNT) {
        *out = SBASE + ((a - LBASE) * VCOUNT + (b - VBASE)) * TCOUNT;
        return 1;
    }
    if (a >= SBASE && a < SBASE + SCOUNT && (a - SBASE) % TCOUNT == 0 && b > TBASE &&
        b < TBASE + TCOUNT) {
        *out = a + (b - TBASE);
        return 1;
    }
    uint64_t key = ((uint64_t)a << 21) | b;
    size_t lo = 0, hi = LS_COMPOSE_COUNT;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (LS_COMPOSE_KEY[mid] < key) lo = mid + 1; else hi = mid;
    }
    if (lo < LS_COMPOSE_COUNT && LS_COMPOSE_KEY[lo] == key) {
        *out = LS_COMPOSE_TO[lo];
        return 1;
    }
    return 0;
}

static int nfc_sensitive(uint32_t cp) {
    size_t index;
    if (cp < 0x300) return 0;
    if (cp >= VBASE && cp < VBASE + VCOUNT) return 1;
    if (cp > TBASE && cp < TBASE + TCOUNT) return 1;
    if (ccc_of(cp)) return 1;
    if (find_u32(LS_DECOMP_CP, LS_DECOMP_COUNT, cp, &index)) return 1;
    return find_u32(LS_COMPOSE_SECOND, LS_COMPOSE_SECOND_COUNT, cp, &index);
}

ls_status ls_nfc(ls_workspace *ws, const uint32_t *cps, size_t n, uint32_t **out,
                 size_t *out_len) {
    int sensitive = 0;
    for (size_t i = 0; i < n && !sensitive; i++) sensitive = nfc_sensitive(cps[i]);
    if (!sensitive) {
        *out = (uint32_t *)cps;
        *out_len = n;
        return LS_OK;
    }
    /* Full canonical decomposition: at most 4 code points each (3 for Hangul). */
    uint32_t *d = (uint32_t *)ls_alloc(ws, (4 * n + 1) * sizeof(uint32_t));
    if (!d) return LS_ERR_WORKSPACE;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = cps[i];
        size_t index;
        if (cp >= SBASE && cp < SBASE + SCOUNT) {
            uint32_t s = cp - SBASE;
            d[count++] = LBASE + s / NCOUNT;
            d[count++] = VBASE + (s % NCOUNT) / TCOUNT;
            if (s % TCOUNT) d[count++] = TBASE + s % TCOUNT;
        } else if (cp >= 0xC0 && find_u32(LS_DECOMP_CP, LS_DECOMP_COUNT, cp, &index)) {
            uint32_t packed = LS_DECOMP_INDEX[index];
            for (uint32_t j = 0; j < (packed & 7); j++) d[count++] = LS_DECOMP_POOL[(packed >> 3) + j];
        } else {
            d[count++] = cp;
        }
    }
    /* Canonical ordering: stable insertion sort of each run of non-starters by class. */
    for (size_t i = 1; i < count; i++) {
        uint8_t klass = ccc_of(d[i]);
        if (!klass) continue;
        size_t j = i;
        uint32_t cp = d[i];
        while (j > 0) {
            uint8_t before = ccc_of(d[j - 1]);
            if (before <= klass) break; /* a starter (0) or an equal/lower class stops it */
            d[j] = d[j - 1];
            j--;
        }
        d[j] = cp;
    }
    /* Composition. */
    size_t w = 0;
    long starter = -1;
    int last_class = -1;
    for (size_t i = 0; i < count; i++) {
        uint32_t cp = d[i];
        int klass = ccc_of(cp);
        if (starter >= 0 && (last_class == -1 || last_class < klass)) {
            uint32_t composite;
            if (compose(d[starter], cp, &composite)) {
                d[starter] = composite;
                continue;
            }
        }
        if (klass == 0) {
            starter = (long)w;
            last_class = -1;
        } else {
            last_class = klass;
        }
        d[w++] = cp;
    }
    *out = d;
    *out_len = w;
    return LS_OK;
}

/* ---- punycode (RFC 3492) ----------------------------------------------------------------------- */

#define PUNY_BASE 36u
#define PUNY_TMIN 1u
#define PUNY_TMAX 26u
#define PUNY_SKEW 38u
#define PUNY_DAMP 700u
#define PUNY_INITIAL_BIAS 72u
#define PUNY_INITIAL_N 128u

static uint64_t adapt(uint64_t delta, uint64_t points, int first) {
    delta = first ? delta / PUNY_DAMP : delta / 2;
    delta += delta / points;
    uint64_t k = 0;
    while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2) {
        delta /= PUNY_BASE - PUNY_TMIN;
        k += PUNY_BASE;
    }
    return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

static uint8_t puny_digit(uint64_t d) { return (uint8_t)(d < 26 ? 'a' + d : '0' + (d - 26)); }

ls_status ls_punycode_encode(const uint32_t *cps, size_t n, uint8_t *out, size_t cap,
                             size_t *out_len) {
    size_t len = 0;
    size_t basic = 0;
    for (size_t i = 0; i < n; i++) {
        if (cps[i] < 0x80) {
            if (len >= cap) return LS_ERR_WORKSPACE;
            out[len++] = (uint8_t)cps[i];
            basic++;
        }
    }
    if (basic) {
        if (len >= cap) return LS_ERR_WORKSPACE;
        out[len++] = '-';
    }
    uint64_t code = PUNY_INITIAL_N, delta = 0, bias = PUNY_INITIAL_BIAS;
    size_t handled = basic;
    while (handled < n) {
        uint64_t m = UINT64_MAX;
        for (size_t i = 0; i < n; i++) {
            if (cps[i] >= code && cps[i] < m) m = cps[i];
        }
        delta += (m - code) * (handled + 1);
        code = m;
        for (size_t i = 0; i < n; i++) {
            if (cps[i] < code) delta++;
            if (cps[i] == code) {
                uint64_t q = delta;
                for (uint64_t k = PUNY_BASE;; k += PUNY_BASE) {
                    uint64_t t = k <= bias ? PUNY_TMIN : (k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias);
                    if (q < t) break;
                    if (len >= cap) return LS_ERR_WORKSPACE;
                    out[len++] = puny_digit(t + (q - t) % (PUNY_BASE - t));
                    q = (q - t) / (PUNY_BASE - t);
                }
                if (len >= cap) return LS_ERR_WORKSPACE;
                out[len++] = puny_digit(q);
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled++;
            }
        }
        delta++;
        code++;
    }
    *out_len = len;
    return LS_OK;
}
