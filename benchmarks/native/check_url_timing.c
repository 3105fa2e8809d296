/* Times ls_bundle_check_url per URL, as a Swift, Kotlin or C client calls it: the bundle payload
 * opened once (ls_bundle_open_payload), then one call per URL, each timed alone; prints the
 * median and the mean in nanoseconds. Used by benchmarks/test_bench_native.py.
 * usage: check_url_timing PAYLOAD SHA256-HEX URLS-FILE */
#define _POSIX_C_SOURCE 199309L
#include "linkscreen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n + 1);
    *len = fread(data, 1, (size_t)n, f);
    data[*len] = 0;
    fclose(f);
    return data;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    size_t payload_len, text_len;
    uint8_t *payload = argc == 4 ? slurp(argv[1], &payload_len) : NULL, sha[32];
    uint8_t *text = payload ? slurp(argv[3], &text_len) : NULL;
    if (!text || strlen(argv[2]) != 64) return 2;
    for (int i = 0; i < 32; i++) sscanf(argv[2] + 2 * i, "%2hhx", &sha[i]);
    ls_bundle *bundle;
    ls_workspace *ws;
    void *memory = malloc(ls_workspace_bytes());
    ls_url_result *r = malloc(sizeof *r);
    if (ls_bundle_open_payload(payload, payload_len, sha, &bundle) != LS_OK ||
        ls_workspace_init(memory, ls_workspace_bytes(), &ws) != LS_OK) {
        return 3;
    }
    size_t count = 0, cap = 1024, matched = 0;
    char **urls = malloc(cap * sizeof *urls);
    for (char *line = strtok((char *)text, "\n"); line; line = strtok(NULL, "\n")) {
        if (count == cap) urls = realloc(urls, (cap *= 2) * sizeof *urls);
        urls[count++] = line;
    }
    double *ns = malloc((count ? count : 1) * sizeof *ns), total = 0;
    for (int round = 0; round < 2; round++) { /* the first round warms the caches */
        for (size_t i = 0; i < count; i++) {
            struct timespec a, b;
            size_t len = strlen(urls[i]);
            clock_gettime(CLOCK_MONOTONIC, &a);
            ls_status s = ls_bundle_check_url(ws, bundle, NULL, (const uint8_t *)urls[i], len, r);
            clock_gettime(CLOCK_MONOTONIC, &b);
            ns[i] = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
            if (round) {
                total += ns[i];
                matched += s == LS_OK && r->matched;
            }
        }
    }
    qsort(ns, count, sizeof *ns, by_value);
    printf("%zu %.1f %.1f %zu\n", count, count ? ns[count / 2] : 0.0, count ? total / count : 0.0,
           matched);
    ls_bundle_free(bundle);
    return 0;
}
