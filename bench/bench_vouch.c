/*
 * bench_vouch.c - registration, promotion and lookup rates of libvouch
 * through its router, each printed next to raw SQLite doing the nearest
 * equivalent on the same machine in the same run (a ratio, since these
 * machines are shared and noisy).
 *
 * Usage: bench_vouch [N] [SCRATCH_DIR]   (N artifacts, default 100000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "vouch/digest.h"
#include "vouch/hash.h"
#include "vouch/router.h"
#include "vouch/service.h"

#define LOOKUPS    20000
#define PROMOTIONS 10000

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct stats {
    double median_us, p99_us;
} stats;

static stats summarize(double *us, size_t n)
{
    stats s;
    qsort(us, n, sizeof(*us), cmp_double);
    s.median_us = us[n / 2];
    s.p99_us = us[(n * 99) / 100];
    return s;
}

static char (*make_digests(size_t n))[VOUCH_DIGEST_STR_MAX]
{
    char(*d)[VOUCH_DIGEST_STR_MAX] = calloc(n, sizeof(*d));
    for (size_t i = 0; d && i < n; i++) {
        char in[32];
        vouch_digest h;
        int len = snprintf(in, sizeof(in), "bench-%zu", i);
        if (vouch_hash_bytes(&h, VOUCH_DIGEST_SHA256, in, (size_t)len, NULL) != 0)
            exit(1);
        vouch_digest_format(d[i], &h);
    }
    return d;
}

static void die_sql(sqlite3 *db, const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

/* Raw SQLite: the artifacts table shape with its unique digest index. */
static void raw_sqlite(const char *dir, size_t n, char (*dg)[VOUCH_DIGEST_STR_MAX],
                       double *insert_rate, stats *by_digest, stats *by_id)
{
    char path[4200];
    sqlite3 *db;
    sqlite3_stmt *ins, *get, *get_id;
    double *us = calloc(LOOKUPS, sizeof(double));

    snprintf(path, sizeof(path), "%s/raw.db", dir);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die_sql(db, "open");
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-32768;"
                     "CREATE TABLE a(id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL,"
                     " digest TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
                     " source_type TEXT NOT NULL, source_uri TEXT NOT NULL,"
                     " UNIQUE(project_id, digest))",
                     NULL, NULL, NULL) != SQLITE_OK)
        die_sql(db, "schema");
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO a(project_id, digest, name, kind, source_type,"
                           " source_uri) VALUES(1, ?1, ?2, 'binary', 'file', ?3)",
                           -1, &ins, NULL) != SQLITE_OK)
        die_sql(db, "prepare");
    double t0 = now_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        char name[32], uri[64];
        snprintf(name, sizeof(name), "a%zu", i);
        snprintf(uri, sizeof(uri), "/srv/builds/a%zu", i);
        sqlite3_bind_text(ins, 1, dg[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, uri, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die_sql(db, "insert");
        sqlite3_reset(ins);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die_sql(db, "commit");
    *insert_rate = (double)n / (now_s() - t0);

    sqlite3_prepare_v2(db, "SELECT * FROM a WHERE project_id = 1 AND digest = ?1", -1, &get, NULL);
    sqlite3_prepare_v2(db, "SELECT * FROM a WHERE id = ?1", -1, &get_id, NULL);
    unsigned seed = 42;
    for (size_t i = 0; i < LOOKUPS; i++) {
        size_t k = (size_t)rand_r(&seed) % n;
        double t = now_s();
        sqlite3_bind_text(get, 1, dg[k], -1, SQLITE_STATIC);
        if (sqlite3_step(get) != SQLITE_ROW)
            die_sql(db, "lookup");
        sqlite3_reset(get);
        us[i] = (now_s() - t) * 1e6;
    }
    *by_digest = summarize(us, LOOKUPS);
    for (size_t i = 0; i < LOOKUPS; i++) {
        sqlite3_int64 k = 1 + rand_r(&seed) % (int)n;
        double t = now_s();
        sqlite3_bind_int64(get_id, 1, k);
        if (sqlite3_step(get_id) != SQLITE_ROW)
            die_sql(db, "lookup by id");
        sqlite3_reset(get_id);
        us[i] = (now_s() - t) * 1e6;
    }
    *by_id = summarize(us, LOOKUPS);
    sqlite3_finalize(ins);
    sqlite3_finalize(get);
    sqlite3_finalize(get_id);
    sqlite3_close(db);
    free(us);
}

static json_t *call(vouch_service *svc, const char *method, const char *path, json_t *body,
                    int expect)
{
    vouch_request req = {method, path, NULL, body, "bench", NULL};
    vouch_response resp;
    vouch_router_handle(svc, &req, &resp);
    if (resp.status != expect) {
        char *s = json_dumps(resp.body, 0);
        fprintf(stderr, "bench: %s %s -> %d: %s\n", method, path, resp.status, s ? s : "");
        free(s);
        exit(1);
    }
    return resp.body;
}

static vouch_service *fresh_service(const char *dir, const char *name)
{
    char path[4200];
    vouch_service *svc;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    vouch_service_opts o = {path, 0};
    if (vouch_service_init(&o, NULL, NULL) != 0 || vouch_service_open(&svc, &o, NULL) != 0) {
        fprintf(stderr, "bench: cannot open %s\n", path);
        exit(1);
    }
    json_decref(call(svc, "POST", "/v1/projects", json_pack("{ss}", "name", "p"), 201));
    return svc;
}

static json_t *batch_body(char (*dg)[VOUCH_DIGEST_STR_MAX], size_t from, size_t to)
{
    json_t *arr = json_array();
    for (size_t i = from; i < to; i++) {
        char name[32], uri[64];
        snprintf(name, sizeof(name), "a%zu", i);
        snprintf(uri, sizeof(uri), "/srv/builds/a%zu", i);
        json_array_append_new(arr,
                              json_pack("{ss ss ss ss ss}", "name", name, "kind", "binary",
                                        "sourceType", "file", "sourceUri", uri, "digest", dg[i]));
    }
    return json_pack("{so}", "artifacts", arr);
}

/* Register all n in batches of `chunk`; returns artifacts per second. */
static double register_all(vouch_service *svc, char (*dg)[VOUCH_DIGEST_STR_MAX], size_t n,
                           size_t chunk)
{
    size_t nb = (n + chunk - 1) / chunk;
    json_t **bodies = calloc(nb, sizeof(*bodies));
    for (size_t b = 0; b < nb; b++) /* built before timing: not the library's cost */
        bodies[b] = batch_body(dg, b * chunk, b * chunk + chunk < n ? b * chunk + chunk : n);
    double t0 = now_s();
    for (size_t b = 0; b < nb; b++)
        json_decref(call(svc, "POST", "/v1/projects/p/artifacts/batch", bodies[b], 200));
    double rate = (double)n / (now_s() - t0);
    for (size_t b = 0; b < nb; b++)
        json_decref(bodies[b]);
    free(bodies);
    return rate;
}

static const char *goal(int ok)
{
    return ok ? "OK" : "BELOW GOAL";
}

static stats time_lookups(vouch_service *svc, char (*dg)[VOUCH_DIGEST_STR_MAX], size_t n,
                          int status_route)
{
    double *us = calloc(LOOKUPS, sizeof(double));
    unsigned seed = 7;
    char path[256];
    for (size_t i = 0; i < LOOKUPS; i++) {
        size_t k = (size_t)rand_r(&seed) % n;
        if (status_route)
            snprintf(path, sizeof(path), "/v1/projects/p/status");
        else
            snprintf(path, sizeof(path), "/v1/projects/p/artifacts/%s", dg[k]);
        double t = now_s();
        json_decref(call(svc, "GET", path, NULL, 200));
        us[i] = (now_s() - t) * 1e6;
    }
    stats s = summarize(us, LOOKUPS);
    free(us);
    return s;
}

static void promote_some(vouch_service *svc, char (*dg)[VOUCH_DIGEST_STR_MAX], size_t n)
{
    const char *pol = "{\"apiVersion\":\"vouch/v1\",\"kind\":\"Policy\",\"baseline\":[],"
                      "\"channels\":[{\"name\":\"dev\",\"promoters\":[\"*\"]},"
                      "{\"name\":\"prod\",\"from\":\"dev\",\"promoters\":[\"*\"],"
                      "\"environments\":[\"eu-1\",\"us-1\"]}]}";
    json_decref(call(svc, "PUT", "/v1/projects/p/policy", json_pack("{ss}", "document", pol), 200));
    size_t m = n < PROMOTIONS ? n : PROMOTIONS;
    json_t **bodies = calloc(m, sizeof(*bodies));
    for (size_t i = 0; i < m; i++)
        bodies[i] = json_pack("{ss ss}", "digest", dg[i * (n / m)], "channel", "dev");
    double t0 = now_s();
    for (size_t i = 0; i < m; i++)
        json_decref(call(svc, "POST", "/v1/projects/p/promotions", bodies[i], 201));
    double rate = (double)m / (now_s() - t0);
    for (size_t i = 0; i < m; i++)
        json_decref(bodies[i]);
    free(bodies);
    json_decref(call(
        svc, "POST", "/v1/projects/p/promotions",
        json_pack("{ss ss ss}", "digest", dg[0], "channel", "prod", "environment", "eu-1"), 201));
    printf("%-22s %12.0f/s   (one transaction + fsync each; no same-run reference)\n", "promote",
           rate);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
    char tmpl[4096];
    snprintf(tmpl, sizeof(tmpl), "%s/vouch-bench-XXXXXX", argc > 2 ? argv[2] : "/tmp");
    const char *dir = mkdtemp(tmpl);
    if (!dir || n < 10) {
        fprintf(stderr, "usage: bench_vouch [N >= 10] [SCRATCH_DIR]\n");
        return 2;
    }
    char(*dg)[VOUCH_DIGEST_STR_MAX] = make_digests(n);
    double raw_rate;
    stats raw_get, raw_get_id;
    raw_sqlite(dir, n, dg, &raw_rate, &raw_get, &raw_get_id);

    printf("vouch benchmark: %zu artifacts, %d lookups, scratch %s\n\n", n, LOOKUPS, dir);
    printf("%-22s %12.0f/s\n", "raw sqlite insert", raw_rate);
    printf("%-22s %9.1f us median  %7.1f us p99\n", "raw lookup (digest)", raw_get.median_us,
           raw_get.p99_us);
    printf("%-22s %9.1f us median  %7.1f us p99  (digest/id %.1fx)\n\n", "raw lookup (id)",
           raw_get_id.median_us, raw_get_id.p99_us, raw_get.median_us / raw_get_id.median_us);

    vouch_service *one = fresh_service(dir, "one");
    double r1 = register_all(one, dg, n, n);
    printf("%-22s %12.0f/s   raw %.0f/s   ratio %.2f (goal >= 0.50)  %s\n", "register (1 batch)",
           r1, raw_rate, r1 / raw_rate, goal(r1 / raw_rate >= 0.5));
    vouch_service *chunked = fresh_service(dir, "chunked");
    double r2 = register_all(chunked, dg, n, 10000);
    printf("%-22s %12.0f/s   raw %.0f/s   ratio %.2f (goal >= 0.50)  %s\n",
           "register (10k batches)", r2, raw_rate, r2 / raw_rate, goal(r2 / raw_rate >= 0.5));
    vouch_service_close(chunked);

    promote_some(one, dg, n);
    stats show = time_lookups(one, dg, n, 0);
    printf("%-22s %9.1f us median  %7.1f us p99   raw %.1f us  ratio %.1fx  (goal < 100 us) %s\n",
           "artifact show", show.median_us, show.p99_us, raw_get.median_us,
           show.median_us / raw_get.median_us, goal(show.median_us < 100));
    stats st = time_lookups(one, dg, n, 1);
    printf("%-22s %9.1f us median  %7.1f us p99   raw %.1f us  ratio %.1fx  (goal < 100 us) %s\n",
           "status", st.median_us, st.p99_us, raw_get.median_us, st.median_us / raw_get.median_us,
           goal(st.median_us < 100));
    vouch_service_close(one);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("\npeak RSS %ld MiB (whole run, %zu artifacts held as request JSON)\n",
           ru.ru_maxrss / 1024, n);
    free(dg);
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
    return 0;
}
