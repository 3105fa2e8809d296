/* Public Suffix List rules and lookup expressions: the C twin of sdk/linkscreen/psl.py (the
 * rule walk of tldextract 5.4.0, which psl.py uses, with private suffixes counted as public and
 * the implicit "*" rule) and sdk/linkscreen/expressions.py.
 *
 * Rules are kept as the set of their label suffixes ("uk", "co.uk", "*.ck", "!www.ck"), each
 * marked when it is a whole rule: exactly the nodes of tldextract's trie. Labels with
 * non-ASCII letters are stored in their ASCII form ("xn--" + RFC 3492), because canonical hosts
 * hold that form; tldextract decodes the host label instead, which gives the same answer for
 * every label whose A-label round-trips, as every label of a valid list does. */
#include "ls_internal.h"

#include <stdlib.h>

#define LS_MAX_RULE_BYTES 1024

typedef struct {
    uint32_t offset; /* into pool; 0 length marks an empty slot */
    uint32_t length;
    uint8_t end;     /* a whole rule */
} psl_slot;

struct ls_psl {
    uint8_t *pool;
    size_t pool_len, pool_cap;
    psl_slot *slots;
    size_t slot_count; /* power of two */
    size_t used;
    size_t rules;
};

static uint64_t fnv1a(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static psl_slot *find_slot(const ls_psl *psl, const uint8_t *key, size_t n) {
    size_t mask = psl->slot_count - 1;
    size_t i = (size_t)fnv1a(key, n) & mask;
    for (;;) {
        psl_slot *slot = &psl->slots[i];
        if (!slot->length) return slot;
        if (slot->length == n && memcmp(psl->pool + slot->offset, key, n) == 0) return slot;
        i = (i + 1) & mask;
    }
}

static int node_lookup(const ls_psl *psl, const uint8_t *key, size_t n, int *end) {
    if (!n) return 0;
    psl_slot *slot = find_slot(psl, key, n);
    if (!slot->length) return 0;
    if (end) *end = slot->end;
    return 1;
}

static ls_status pool_append(ls_psl *psl, const uint8_t *p, size_t n, uint32_t *offset) {
    if (psl->pool_len + n > psl->pool_cap) {
        size_t cap = psl->pool_cap ? psl->pool_cap * 2 : 65536;
        while (cap < psl->pool_len + n) cap *= 2;
        uint8_t *grown = realloc(psl->pool, cap);
        if (!grown) return LS_ERR_NOMEM;
        psl->pool = grown;
        psl->pool_cap = cap;
    }
    memcpy(psl->pool + psl->pool_len, p, n);
    *offset = (uint32_t)psl->pool_len;
    psl->pool_len += n;
    return LS_OK;
}

static ls_status grow_slots(ls_psl *psl) {
    size_t count = psl->slot_count ? psl->slot_count * 2 : 4096;
    psl_slot *old = psl->slots;
    size_t old_count = psl->slot_count;
    psl->slots = calloc(count, sizeof(psl_slot));
    if (!psl->slots) {
        psl->slots = old;
        return LS_ERR_NOMEM;
    }
    psl->slot_count = count;
    for (size_t i = 0; i < old_count; i++) {
        if (!old[i].length) continue;
        *find_slot(psl, psl->pool + old[i].offset, old[i].length) = old[i];
    }
    free(old);
    return LS_OK;
}

static ls_status add_node(ls_psl *psl, const uint8_t *key, size_t n, int end) {
    if (!n || n > 0xFFFF) return LS_ERR_PSL;
    if ((psl->used + 1) * 2 > psl->slot_count) LS_TRY(grow_slots(psl));
    psl_slot *slot = find_slot(psl, key, n);
    if (slot->length) {
        if (end) slot->end = 1;
        return LS_OK;
    }
    uint32_t offset;
    LS_TRY(pool_append(psl, key, n, &offset));
    slot = find_slot(psl, psl->pool + offset, n); /* the pool may have moved: search again */
    slot->offset = offset;
    slot->length = (uint32_t)n;
    slot->end = (uint8_t)(end != 0);
    psl->used++;
    return LS_OK;
}

/* A rule in A-label form: each non-ASCII label (after an optional "!") as "xn--" + punycode. */
static ls_status ascii_rule(const uint8_t *rule, size_t n, uint8_t *out, size_t cap,
                            size_t *out_len) {
    size_t w = 0, i = 0;
    uint32_t cps[256];
    for (;;) {
        size_t j = i;
        while (j < n && rule[j] != '.') j++;
        size_t k = i;
        int ascii = 1;
        for (size_t q = i; q < j; q++) ascii &= rule[q] < 0x80;
        if (ascii) {
            if (w + (j - i) > cap) return LS_ERR_PSL;
            memcpy(out + w, rule + i, j - i);
            w += j - i;
        } else {
            if (k < j && rule[k] == '!') {
                if (w + 1 > cap) return LS_ERR_PSL;
                out[w++] = '!';
                k++;
            }
            size_t count = 0;
            while (k < j) {
                uint32_t cp;
                size_t step = ls_utf8_decode(rule + k, j - k, &cp);
                if (!step || count == 256) return LS_ERR_PSL;
                cps[count++] = cp;
                k += step;
            }
            if (w + 4 > cap) return LS_ERR_PSL;
            memcpy(out + w, "xn--", 4);
            w += 4;
            size_t written;
            if (ls_punycode_encode(cps, count, out + w, cap - w, &written) != LS_OK) {
                return LS_ERR_PSL;
            }
            w += written;
        }
        if (j >= n) break;
        if (w + 1 > cap) return LS_ERR_PSL;
        out[w++] = '.';
        i = j + 1;
    }
    *out_len = w;
    return LS_OK;
}

static ls_status add_rule(ls_psl *psl, const uint8_t *rule, size_t n) {
    uint8_t ascii[LS_MAX_RULE_BYTES];
    size_t len;
    LS_TRY(ascii_rule(rule, n, ascii, sizeof ascii, &len));
    /* every label suffix is a trie node; the whole rule is an end node */
    for (size_t i = len; i > 0; i--) {
        if (ascii[i - 1] == '.') LS_TRY(add_node(psl, ascii + i, len - i, 0));
    }
    LS_TRY(add_node(psl, ascii, len, 1));
    psl->rules++;
    return LS_OK;
}

static int is_space(uint8_t c) { return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F); }

static int is_word_start(uint8_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_' || c >= 0x80;
}

ls_status ls_psl_new(const uint8_t *text, size_t len, ls_psl **out) {
    if (!text || !out) return LS_ERR_ARGUMENT;
    ls_psl *psl = calloc(1, sizeof *psl);
    if (!psl) return LS_ERR_NOMEM;
    ls_status status = grow_slots(psl);
    size_t i = 0;
    while (status == LS_OK && i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n') end++;
        /* tldextract: ^[.*!]*\w\S* at a line start; the rule is the match */
        size_t j = i;
        while (j < end && (text[j] == '.' || text[j] == '*' || text[j] == '!')) j++;
        if (j < end && is_word_start(text[j])) {
            size_t stop = j;
            while (stop < end && !is_space(text[stop])) stop++;
            status = add_rule(psl, text + i, stop - i);
        }
        i = end + 1;
    }
    if (status != LS_OK) {
        ls_psl_free(psl);
        return status;
    }
    *out = psl;
    return LS_OK;
}

ls_status ls_psl_new_empty(ls_psl **out) {
    ls_psl *psl = calloc(1, sizeof *psl);
    if (!psl) return LS_ERR_NOMEM;
    ls_status status = grow_slots(psl);
    if (status != LS_OK) {
        ls_psl_free(psl);
        return status;
    }
    *out = psl;
    return LS_OK;
}

ls_status ls_psl_add_rule(ls_psl *psl, const uint8_t *rule, size_t len) {
    return add_rule(psl, rule, len);
}

ls_status ls_psl_free(ls_psl *psl) {
    if (!psl) return LS_ERR_ARGUMENT;
    free(psl->pool);
    free(psl->slots);
    free(psl);
    return LS_OK;
}

ls_status ls_psl_rule_count(const ls_psl *psl, size_t *count) {
    if (!psl || !count) return LS_ERR_ARGUMENT;
    *count = psl->rules;
    return LS_OK;
}

/* Length of the public suffix at the end of host (a canonical, lowercase host name). */
static size_t public_suffix(const ls_psl *psl, const uint8_t *host, size_t n) {
    if (!n || host[0] == '.' || host[n - 1] == '.') return 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (host[i] == '.' && host[i + 1] == '.') return 0;
    }
    /* key = "!" + lowercased host tail; the walk looks up key + 1, the exception key itself */
    uint8_t key[LS_MAX_RULE_BYTES + 2];
    size_t suffix = 0; /* bytes of host matched as trie nodes so far */
    size_t best = 0;   /* length of the longest whole rule matched */
    size_t label_end = n;
    for (;;) {
        size_t label_start = label_end;
        while (label_start > 0 && host[label_start - 1] != '.') label_start--;
        size_t cand = n - label_start; /* label + "." + suffix */
        int fits = cand <= LS_MAX_RULE_BYTES, end = 0;
        if (fits) {
            key[0] = '!';
            for (size_t i = 0; i < cand; i++) {
                uint8_t c = host[label_start + i];
                key[1 + i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
            }
        }
        if (fits && node_lookup(psl, key + 1, cand, &end)) {
            suffix = cand;
            if (end) best = cand;
            if (label_start == 0) break;
            label_end = label_start - 1;
            continue;
        }
        /* a wildcard under the current node: "*" or "*." + suffix */
        uint8_t wild[LS_MAX_RULE_BYTES + 2];
        size_t wn = 0;
        wild[wn++] = '*';
        if (suffix) {
            wild[wn++] = '.';
            for (size_t i = 0; i < suffix; i++) {
                uint8_t c = host[n - suffix + i];
                wild[wn++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
            }
        }
        if (node_lookup(psl, wild, wn, NULL)) {
            int exception = fits && cand + 1 <= LS_MAX_RULE_BYTES && node_lookup(psl, key, cand + 1, NULL);
            size_t result = exception ? suffix : cand;
            if (result) return result;
            best = 0;
        }
        break;
    }
    if (best) return best;
    size_t last = n;
    while (last > 0 && host[last - 1] != '.') last--;
    return n - last; /* the implicit "*" rule: the last label */
}

ls_status ls_public_suffix(const ls_psl *psl, const uint8_t *host, size_t len,
                           size_t *suffix_len) {
    if (!psl || (!host && len) || !suffix_len) return LS_ERR_ARGUMENT;
    *suffix_len = public_suffix(psl, host, len);
    return LS_OK;
}

/* ---- expressions ------------------------------------------------------------------------------ */

static int is_ipv4_host(const uint8_t *h, size_t n) {
    size_t parts = 0, run = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || h[i] == '.') {
            if (!run) return 0;
            parts++;
            run = 0;
        } else if (h[i] >= '0' && h[i] <= '9') {
            run++;
        } else {
            return 0;
        }
    }
    return parts == 4;
}

/* Host strings (as suffix lengths of host) in lookup order. */
static size_t lookup_hosts(const ls_psl *psl, const uint8_t *host, size_t n, size_t out[5]) {
    out[0] = n;
    if (host[0] == '[' || (host[n - 1] >= '0' && host[n - 1] <= '9' && is_ipv4_host(host, n))) {
        return 1;
    }
    size_t suffix = public_suffix(psl, host, n);
    if (!suffix || n <= suffix) return 1;
    size_t cut = n - suffix - 1; /* the dot before the suffix */
    size_t dot = cut;
    while (dot > 0 && host[dot - 1] != '.') dot--;
    size_t base = n - dot; /* registrable domain */
    if (base == n) return 1;
    size_t count = 1;
    size_t labels = 1;
    for (size_t i = 0; i + 1 < n - base; i++) labels += host[i] == '.';
    size_t take = labels < 4 ? labels : 4;
    size_t len = base;
    for (size_t k = 0; k < take; k++) {
        out[count++] = len;
        size_t start = n - len - 1; /* the dot before the current candidate */
        while (start > 0 && host[start - 1] != '.') start--;
        len = n - start;
    }
    return count;
}

/* Path strings as (length, with-query) of the tail: path?query, path, "/", directories. */
typedef struct {
    size_t len;
} path_piece;

static size_t lookup_paths(const uint8_t *tail, size_t n, size_t path_len, path_piece out[6]) {
    size_t count = 0;
    if (n > path_len + 1) out[count++].len = n; /* non-empty query */
    out[count++].len = path_len;
    if (!(path_len == 1 && tail[0] == '/')) {
        size_t prefix_end = 0;
        for (int i = 0; i < LS_MAX_PATHS - 2; i++) {
            size_t plen = prefix_end + 1;
            if (plen == path_len) break;
            out[count++].len = plen;
            size_t next = prefix_end + 1;
            const uint8_t *found = next < path_len ? memchr(tail + next, '/', path_len - next) : NULL;
            if (!found) break;
            prefix_end = (size_t)(found - tail);
        }
    }
    return count;
}

/* The lookup expressions of canonical URL c. Each is a host suffix followed by a path prefix,
 * so a run of c itself (the host ends where the path begins): with copy == 0 the results
 * point into c (ls_check_url, whose readings live in the workspace); with copy set they are
 * copied into the workspace (ls_expressions, whose input may be the caller's). */
static ls_status expressions_into(ls_workspace *ws, const ls_psl *psl, const uint8_t *c,
                                  size_t n, ls_str *out, size_t *count, int copy) {
    size_t start = 0;
    while (start + 2 < n && !(c[start] == ':' && c[start + 1] == '/' && c[start + 2] == '/')) {
        start++;
    }
    if (start + 2 >= n) return LS_ERR_ARGUMENT;
    start += 3;
    const uint8_t *first_slash = start < n ? memchr(c + start, '/', n - start) : NULL;
    size_t slash = first_slash ? (size_t)(first_slash - c) : n;
    if (slash >= n || slash == start) return LS_ERR_ARGUMENT;
    const uint8_t *host = c + start;
    size_t host_len = slash - start;
    const uint8_t *tail = c + slash;
    size_t tail_len = n - slash;
    const uint8_t *q = memchr(tail, '?', tail_len);
    size_t path_len = q ? (size_t)(q - tail) : tail_len;
    size_t hosts[LS_MAX_HOSTS];
    path_piece paths[LS_MAX_PATHS];
    size_t nh = lookup_hosts(psl, host, host_len, hosts);
    size_t np = lookup_paths(tail, tail_len, path_len, paths);
    if (!copy) {
        size_t k = 0;
        for (size_t h = 0; h < nh; h++) {
            for (size_t p = 0; p < np; p++, k++) {
                out[k].ptr = tail - hosts[h];
                out[k].len = hosts[h] + paths[p].len;
            }
        }
        *count = k;
        return LS_OK;
    }
    size_t total = 0;
    for (size_t h = 0; h < nh; h++) {
        for (size_t p = 0; p < np; p++) total += hosts[h] + paths[p].len;
    }
    uint8_t *buf = ls_alloc(ws, total);
    if (!buf && total) return LS_ERR_WORKSPACE;
    size_t w = 0, k = 0;
    for (size_t h = 0; h < nh; h++) {
        const uint8_t *hp = host + host_len - hosts[h];
        for (size_t p = 0; p < np; p++) {
            out[k].ptr = buf + w;
            memcpy(buf + w, hp, hosts[h]);
            w += hosts[h];
            memcpy(buf + w, tail, paths[p].len);
            w += paths[p].len;
            out[k].len = hosts[h] + paths[p].len;
            k++;
        }
    }
    *count = k;
    return LS_OK;
}

ls_status ls_expressions(ls_workspace *ws, const ls_psl *psl, const uint8_t *canonical,
                         size_t len, ls_str *out, size_t *count) {
    if (!ws || !psl || !canonical || !out || !count) return LS_ERR_ARGUMENT;
    return expressions_into(ws, psl, canonical, len, out, count, 1);
}

/* The readings, then the expressions, each followed by '\n', into out->text (workspace). */
ls_status ls_result_text_internal(ls_workspace *ws, ls_url_result *out) {
    size_t text_len = 0;
    for (size_t v = 0; v < out->variant_count; v++) text_len += out->variants[v].len + 1;
    for (size_t i = 0; i < out->expression_count; i++) text_len += out->expressions[i].len + 1;
    uint8_t *text = ls_alloc(ws, text_len);
    if (!text) return LS_ERR_WORKSPACE;
    size_t w = 0;
    for (size_t v = 0; v < out->variant_count; v++) {
        memcpy(text + w, out->variants[v].ptr, out->variants[v].len);
        w += out->variants[v].len;
        text[w++] = '\n';
    }
    for (size_t i = 0; i < out->expression_count; i++) {
        memcpy(text + w, out->expressions[i].ptr, out->expressions[i].len);
        w += out->expressions[i].len;
        text[w++] = '\n';
    }
    out->text.ptr = text;
    out->text.len = w;
    return LS_OK;
}

ls_status ls_check_url_internal(ls_workspace *ws, const ls_psl *psl, const ls_tables *tables,
                                const uint8_t *url, size_t len, ls_url_result *out,
                                int with_text) {
    if (!ws || !psl || (!url && len) || !out) return LS_ERR_ARGUMENT;
    ws->used = 0;
    ls_str variants[LS_MAX_VARIANTS];
    size_t nv = 0;
    const uint8_t *input = url ? url : (const uint8_t *)"";
    ls_status status = ls_variants_internal(ws, input, len, variants, &nv, 0);
    out->host_only = status == LS_ERR_URL_LIMIT;
    if (out->host_only) {
        ws->used = 0;
        status = ls_host_only_internal(ws, input, len, variants, &nv);
        if (status == LS_ERR_INVALID_URL) status = LS_ERR_URL_LIMIT; /* unchecked, not refused */
    }
    LS_TRY(status);
    size_t total = 0;
    for (size_t v = 0; v < nv; v++) {
        ls_str exprs[LS_MAX_EXPRESSIONS];
        size_t ne;
        LS_TRY(expressions_into(ws, psl, variants[v].ptr, variants[v].len, exprs, &ne, 0));
        for (size_t i = 0; i < ne; i++) {
            int seen = 0;
            for (size_t j = 0; j < total && !seen && v; j++) {
                seen = out->expressions[j].len == exprs[i].len &&
                       memcmp(out->expressions[j].ptr, exprs[i].ptr, exprs[i].len) == 0;
            }
            if (!seen) out->expressions[total++] = exprs[i];
        }
    }
    for (size_t v = 0; v < nv; v++) out->variants[v] = variants[v];
    out->shortened = 0;
    out->variant_count = nv;
    out->expression_count = total;
    out->text.ptr = (const uint8_t *)"";
    out->text.len = 0;
    if (with_text) LS_TRY(ls_result_text_internal(ws, out));
    if (!tables) {
        for (size_t i = 0; i < total; i++) out->rows[i] = out->row_ends[i] = -1;
        out->matched = 0;
        return LS_OK;
    }
    return ls_lookup_runs(tables, out->expressions, total, out->rows, out->row_ends,
                          &out->matched);
}

ls_status ls_check_url(ls_workspace *ws, const ls_psl *psl, const ls_tables *tables,
                       const uint8_t *url, size_t len, ls_url_result *out) {
    return ls_check_url_internal(ws, psl, tables, url, len, out, 1);
}
