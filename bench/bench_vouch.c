/*
 * bench_vouch.c - registration, promotion and lookup rates of libvouch
 * through its router (the API the CLI and the HTTP server share), each
 * printed next to raw SQLite doing the nearest equivalent on the same
 * machine in the same run, as a ratio: these machines are shared and noisy,
 * so absolute figures move between runs while ratios hold.
 *
 * Usage: bench_vouch [N] [--rounds R] [--dir PARENT]
 *        bench_vouch [N] --raw-insert [--dir PARENT]   (the reference alone: prints
 *                            one line "raw_insert_per_s RATE", for bench.sh)
 *        bench_vouch [N] --jsonl FILE   (write the same N artifacts as a
 *                            `vouch artifact register --from-file` list; exit)
 *
 *   N       artifacts (default $VOUCH_BENCH_N, else 100000; at least 100)
 *   R       registration rounds (default $VOUCH_BENCH_ROUNDS, else 3)
 *   PARENT  where the scratch directory goes (default: the build directory
 *           holding this program); the scratch directory is removed at the end
 *
 * Registration: each round measures the raw SQLite batched insert and then
 * vouch on a fresh data directory, once as one request of N and once as
 * requests of 10,000; every vouch figure is divided by the raw figure
 * measured right before it, and the median ratio over the rounds is the
 * result, so a noisy neighbour hurts both sides of a ratio alike. Request
 * bodies are built before the clock starts (the caller's cost, not the
 * library's); responses are released inside the timed region.
 *
 * Exit status is 0 whatever the figures (benchmarks report, they do not
 * fail; a figure below its goal says BELOW GOAL), 1 when something could
 * not run, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
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

#define LOOKUPS        20000
#define WARMUP         1000
#define PROMOTIONS     10000
#define CHUNK          10000
#define MAX_ROUNDS     9
#define GOAL_RATIO     0.50
#define GOAL_MEDIAN_US 100.0

/* ---- small helpers ------------------------------------------------------ */

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

static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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

/* 1234567.8 -> "1,234,568" */
static const char *group(char *out, size_t size, double v)
{
    char raw[64];
    snprintf(raw, sizeof(raw), "%.0f", v);
    size_t len = strlen(raw), o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        out[o++] = raw[i];
        if (raw[i] != '-' && (len - i - 1) % 3 == 0 && i + 1 < len)
            out[o++] = ',';
    }
    out[o] = '\0';
    return out;
}

static const char *verdict(int ok)
{
    return ok ? "OK" : "BELOW GOAL";
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_vouch: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    if (access(dir, F_OK) != 0)
        return;
    if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "bench_vouch: could not remove all of %s\n", dir);
}

/* ---- the data set: N artifacts, computed before any timing -------------- */

typedef struct dataset {
    size_t n;
    char (*digest)[VOUCH_DIGEST_STR_MAX]; /* "sha256:" + sha256 of the decimal index */
    char (*name)[24];                     /* "a<i>" */
    char (*uri)[40];                      /* "/srv/builds/a<i>" */
} dataset;

static void make_dataset(dataset *d, size_t n)
{
    d->n = n;
    d->digest = calloc(n, sizeof(*d->digest));
    d->name = calloc(n, sizeof(*d->name));
    d->uri = calloc(n, sizeof(*d->uri));
    if (!d->digest || !d->name || !d->uri)
        die("out of memory");
    for (size_t i = 0; i < n; i++) {
        char in[32];
        vouch_digest h;
        int len = snprintf(in, sizeof(in), "%zu", i);
        if (vouch_hash_bytes(&h, VOUCH_DIGEST_SHA256, in, (size_t)len, NULL) != 0)
            die("sha256 failed");
        vouch_digest_format(d->digest[i], &h);
        snprintf(d->name[i], sizeof(d->name[i]), "a%zu", i);
        snprintf(d->uri[i], sizeof(d->uri[i]), "/srv/builds/a%zu", i);
    }
}

/* ---- reference: raw SQLite ---------------------------------------------- */

static void sql_check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        die("raw sqlite: %s: %s", what, sqlite3_errmsg(db));
}

/* Create path fresh with vouch's pragmas and an artifacts-shaped table, insert
 * all N in one transaction through one prepared statement. Returns rows/s and
 * the open handle in *out. */
__attribute__((noinline)) static double raw_insert(const char *path, const dataset *d,
                                                   sqlite3 **out)
{
    sqlite3 *db;
    sqlite3_stmt *ins;
    char wal[PATH_MAX + 80];

    unlink(path);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", path);
    unlink(wal);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("raw sqlite: cannot open %s: %s", path, sqlite3_errmsg(db));
    sql_check(db,
              sqlite3_exec(db,
                           "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                           " PRAGMA cache_size=-32768;"
                           "CREATE TABLE a(id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL,"
                           " digest TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
                           " source_type TEXT NOT NULL, source_uri TEXT NOT NULL,"
                           " UNIQUE(project_id, digest))",
                           NULL, NULL, NULL),
              "schema");
    sql_check(db,
              sqlite3_prepare_v2(db,
                                 "INSERT INTO a(project_id, digest, name, kind, source_type,"
                                 " source_uri) VALUES(1, ?1, ?2, ?3, ?4, ?5)",
                                 -1, &ins, NULL),
              "prepare insert");

    double t0 = now_s();
    sql_check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
    for (size_t i = 0; i < d->n; i++) {
        sqlite3_bind_text(ins, 1, d->digest[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, d->name[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, "binary", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, "file", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, d->uri[i], -1, SQLITE_STATIC);
        sql_check(db, sqlite3_step(ins), "insert");
        sqlite3_reset(ins);
    }
    sql_check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
    double rate = (double)d->n / (now_s() - t0);
    sqlite3_finalize(ins);
    *out = db;
    return rate;
}

/* Point lookups, random order, every column read. by_id: integer key. */
static stats raw_lookups(sqlite3 *db, const dataset *d, int by_id)
{
    sqlite3_stmt *get;
    double *us = calloc(LOOKUPS, sizeof(double));
    unsigned seed = by_id ? 43 : 42;
    sql_check(db,
              sqlite3_prepare_v2(db,
                                 by_id ? "SELECT * FROM a WHERE id = ?1"
                                       : "SELECT * FROM a WHERE project_id = 1 AND digest = ?1",
                                 -1, &get, NULL),
              "prepare lookup");
    if (!us)
        die("out of memory");
    for (size_t i = 0; i < WARMUP + LOOKUPS; i++) {
        size_t k = (size_t)rand_r(&seed) % d->n;
        double t = now_s();
        if (by_id)
            sqlite3_bind_int64(get, 1, (sqlite3_int64)k + 1);
        else
            sqlite3_bind_text(get, 1, d->digest[k], -1, SQLITE_STATIC);
        if (sqlite3_step(get) != SQLITE_ROW)
            die("raw sqlite: lookup: %s", sqlite3_errmsg(db));
        for (int c = 0; c < sqlite3_column_count(get); c++)
            (void)sqlite3_column_text(get, c);
        sqlite3_reset(get);
        if (i >= WARMUP)
            us[i - WARMUP] = (now_s() - t) * 1e6;
    }
    sqlite3_finalize(get);
    stats s = summarize(us, LOOKUPS);
    free(us);
    return s;
}

/* ---- vouch through the router ------------------------------------------- */

static json_t *call(vouch_service *svc, const char *method, const char *path, json_t *body,
                    int expect)
{
    vouch_request req = {method, path, NULL, body, "bench", NULL};
    vouch_response resp;
    vouch_router_handle(svc, &req, &resp);
    if (resp.status != expect) {
        char *s = resp.body ? json_dumps(resp.body, 0) : NULL;
        fprintf(stderr, "bench_vouch: %s %s -> %d: %s\n", method, path, resp.status, s ? s : "");
        free(s);
        exit(1);
    }
    json_t *out = resp.body;
    resp.body = NULL;
    vouch_response_release(&resp);
    return out;
}

static vouch_service *open_service(const char *dir)
{
    vouch_service *svc;
    vouch_service_opts o = {dir, 0};
    vouch_error err;
    memset(&err, 0, sizeof(err));
    if (vouch_service_init(&o, NULL, &err) != 0 || vouch_service_open(&svc, &o, &err) != 0)
        die("cannot open the data directory %s: %s", dir, err.message);
    return svc;
}

static vouch_service *fresh_service(const char *dir)
{
    rm_tree(dir);
    vouch_service *svc = open_service(dir);
    json_t *body = json_pack("{ss}", "name", "p");
    json_decref(call(svc, "POST", "/v1/projects", body, 201));
    json_decref(body);
    return svc;
}

static json_t *batch_body(const dataset *d, size_t from, size_t to)
{
    json_t *arr = json_array();
    for (size_t i = from; i < to; i++)
        json_array_append_new(arr, json_pack("{ss ss ss ss ss}", "name", d->name[i], "kind",
                                             "binary", "sourceType", "file", "sourceUri", d->uri[i],
                                             "digest", d->digest[i]));
    return json_pack("{so}", "artifacts", arr);
}

/* POST the prepared bodies in order; returns artifacts per second. */
__attribute__((noinline)) static double register_all(vouch_service *svc, json_t **bodies,
                                                     size_t nbodies, size_t n)
{
    double t0 = now_s();
    for (size_t b = 0; b < nbodies; b++) {
        json_t *r = call(svc, "POST", "/v1/projects/p/artifacts/batch", bodies[b], 200);
        json_decref(r);
    }
    return (double)n / (now_s() - t0);
}

static double promote(vouch_service *svc, const dataset *d)
{
    const char *pol = "{\"apiVersion\":\"vouch/v1\",\"kind\":\"Policy\",\"baseline\":[],"
                      "\"channels\":[{\"name\":\"dev\",\"promoters\":[\"*\"]},"
                      "{\"name\":\"test\",\"from\":\"dev\",\"promoters\":[\"*\"]}]}";
    json_t *pb = json_pack("{ss}", "document", pol);
    json_decref(call(svc, "PUT", "/v1/projects/p/policy", pb, 200));
    json_decref(pb);

    size_t m = d->n < PROMOTIONS ? d->n : PROMOTIONS;
    size_t step = d->n / m;
    json_t **bodies = calloc(m, sizeof(*bodies));
    if (!bodies)
        die("out of memory");
    for (size_t i = 0; i < m; i++)
        bodies[i] = json_pack("{ss ss}", "digest", d->digest[i * step], "channel", "dev");
    double t0 = now_s();
    for (size_t i = 0; i < m; i++)
        json_decref(call(svc, "POST", "/v1/projects/p/promotions", bodies[i], 201));
    double rate = (double)m / (now_s() - t0);
    for (size_t i = 0; i < m; i++)
        json_decref(bodies[i]);
    free(bodies);

    /* the last one promoted into dev moves on to test: status shows two heads */
    json_t *b = json_pack("{ss ss}", "digest", d->digest[(m - 1) * step], "channel", "test");
    json_decref(call(svc, "POST", "/v1/projects/p/promotions", b, 201));
    json_decref(b);
    return rate;
}

static stats vouch_lookups(vouch_service *svc, const dataset *d, int status_route)
{
    double *us = calloc(LOOKUPS, sizeof(double));
    char(*paths)[VOUCH_DIGEST_STR_MAX + 40] = calloc(WARMUP + LOOKUPS, sizeof(*paths));
    unsigned seed = status_route ? 8 : 7;
    if (!us || !paths)
        die("out of memory");
    for (size_t i = 0; i < WARMUP + LOOKUPS; i++) {
        size_t k = (size_t)rand_r(&seed) % d->n;
        if (status_route)
            snprintf(paths[i], sizeof(paths[i]), "/v1/projects/p/status");
        else
            snprintf(paths[i], sizeof(paths[i]), "/v1/projects/p/artifacts/%s", d->digest[k]);
    }
    for (size_t i = 0; i < WARMUP + LOOKUPS; i++) {
        double t = now_s();
        json_decref(call(svc, "GET", paths[i], NULL, 200));
        if (i >= WARMUP)
            us[i - WARMUP] = (now_s() - t) * 1e6;
    }
    stats s = summarize(us, LOOKUPS);
    free(us);
    free(paths);
    return s;
}

/* ---- main ---------------------------------------------------------------- */

static void default_parent(char *out, size_t size)
{
    /* this program is BUILD/bench/bench_vouch: the scratch goes under BUILD */
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len <= 0) {
        snprintf(out, size, ".");
        return;
    }
    exe[len] = '\0';
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (slash && slash != exe)
            *slash = '\0';
    }
    snprintf(out, size, "%s", exe);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_vouch [N >= 100] [--rounds R (1-%d)] [--dir PARENT]\n",
            MAX_ROUNDS);
    exit(2);
}

static void print_lookup(const char *label, stats s, stats raw)
{
    printf("%-16s %6.1f us median %7.1f us p99   raw digest lookup %5.1f us   ratio %5.1fx"
           "   (goal median < %.0f us)  %s\n",
           label, s.median_us, s.p99_us, raw.median_us, s.median_us / raw.median_us, GOAL_MEDIAN_US,
           verdict(s.median_us < GOAL_MEDIAN_US));
}

int main(int argc, char **argv)
{
    const char *env_n = getenv("VOUCH_BENCH_N"), *env_r = getenv("VOUCH_BENCH_ROUNDS");
    long n = env_n && *env_n ? strtol(env_n, NULL, 10) : 100000;
    long rounds = env_r && *env_r ? strtol(env_r, NULL, 10) : 3;
    char parent[PATH_MAX];
    const char *jsonl = NULL;
    int raw_only = 0;
    default_parent(parent, sizeof(parent));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--jsonl") == 0 && i + 1 < argc)
            jsonl = argv[++i];
        else if (strcmp(argv[i], "--raw-insert") == 0)
            raw_only = 1;
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            snprintf(parent, sizeof(parent), "%s", argv[++i]);
        else if (argv[i][0] >= '0' && argv[i][0] <= '9')
            n = strtol(argv[i], NULL, 10);
        else
            usage();
    }
    if (n < 100 || n > 1000000 || rounds < 1 || rounds > MAX_ROUNDS)
        usage();

    dataset d;
    if (jsonl) {
        FILE *f = fopen(jsonl, "w");
        if (!f)
            die("cannot write %s", jsonl);
        make_dataset(&d, (size_t)n);
        for (long i = 0; i < n; i++)
            fprintf(f,
                    "{\"name\":\"%s\",\"kind\":\"binary\",\"sourceType\":\"file\","
                    "\"sourceUri\":\"%s\",\"digest\":\"%s\"}\n",
                    d.name[i], d.uri[i], d.digest[i]);
        if (fclose(f) != 0)
            die("cannot write %s", jsonl);
        return 0;
    }

    char scratch[PATH_MAX + 32];
    snprintf(scratch, sizeof(scratch), "%s/vouch-bench-XXXXXX", parent);
    if (!mkdtemp(scratch))
        die("cannot create a scratch directory under %s", parent);

    char d1[PATH_MAX + 64], d2[PATH_MAX + 64], rawdb[PATH_MAX + 64];
    snprintf(d1, sizeof(d1), "%s/one", scratch);
    snprintf(d2, sizeof(d2), "%s/chunks", scratch);
    snprintf(rawdb, sizeof(rawdb), "%s/raw.db", scratch);

    if (raw_only) {
        sqlite3 *db;
        make_dataset(&d, (size_t)n);
        double rate = raw_insert(rawdb, &d, &db);
        sqlite3_close(db);
        rm_tree(scratch);
        printf("raw_insert_per_s %.0f\n", rate);
        return 0;
    }

    printf("vouch benchmark: N = %ld artifacts, %ld registration round(s), %d lookups each,"
           " SQLite %s\nscratch %s\n\n",
           n, rounds, LOOKUPS, sqlite3_libversion(), scratch);
    fflush(stdout);

    make_dataset(&d, (size_t)n);

    /* request bodies, built once before any timing and reused by every round */
    size_t nchunks = ((size_t)n + CHUNK - 1) / CHUNK;
    json_t *whole = batch_body(&d, 0, (size_t)n);
    json_t **chunks = calloc(nchunks, sizeof(*chunks));
    if (!whole || !chunks)
        die("out of memory");
    for (size_t c = 0; c < nchunks; c++) {
        size_t to = (c + 1) * CHUNK < (size_t)n ? (c + 1) * CHUNK : (size_t)n;
        chunks[c] = batch_body(&d, c * CHUNK, to);
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long rss_bodies = ru.ru_maxrss / 1024;

    /* ---- registration, in rounds -------------------------------------- */
    double raw1[MAX_ROUNDS], raw2[MAX_ROUNDS], v1[MAX_ROUNDS], v2[MAX_ROUNDS];
    double q1[MAX_ROUNDS], q2[MAX_ROUNDS];
    char a[32], b[32], c[32], e[32];
    printf("registration rounds (raw insert measured right before each vouch run):\n");
    for (long r = 0; r < rounds; r++) {
        sqlite3 *db;
        raw1[r] = raw_insert(rawdb, &d, &db);
        sqlite3_close(db);
        vouch_service *svc = fresh_service(d1);
        v1[r] = register_all(svc, &whole, 1, (size_t)n);
        vouch_service_close(svc);

        raw2[r] = raw_insert(rawdb, &d, &db);
        sqlite3_close(db);
        svc = fresh_service(d2);
        v2[r] = register_all(svc, chunks, nchunks, (size_t)n);
        vouch_service_close(svc);
        rm_tree(d2);

        q1[r] = v1[r] / raw1[r];
        q2[r] = v2[r] / raw2[r];
        printf("  round %ld: raw %s/s, 1 batch %s/s (%.2f); raw %s/s, %d-batches %s/s (%.2f)\n",
               r + 1, group(a, sizeof(a), raw1[r]), group(b, sizeof(b), v1[r]), q1[r],
               group(c, sizeof(c), raw2[r]), CHUNK, group(e, sizeof(e), v2[r]), q2[r]);
        fflush(stdout);
    }
    json_decref(whole);
    for (size_t k = 0; k < nchunks; k++)
        json_decref(chunks[k]);
    free(chunks);

    double raws[2 * MAX_ROUNDS];
    for (long r = 0; r < rounds; r++) {
        raws[2 * r] = raw1[r];
        raws[2 * r + 1] = raw2[r];
    }
    double raw_rate = median_of(raws, (size_t)(2 * rounds));
    double rate1 = median_of(v1, (size_t)rounds), rate2 = median_of(v2, (size_t)rounds);
    double ratio1 = median_of(q1, (size_t)rounds), ratio2 = median_of(q2, (size_t)rounds);

    /* ---- promotions and lookups on the one-batch data dir --------------- */
    vouch_service *svc = open_service(d1);
    double prom = promote(svc, &d);

    sqlite3 *db;
    double raw_last = raw_insert(rawdb, &d, &db); /* a fresh reference table for lookups */
    (void)raw_last;
    stats raw_dg = raw_lookups(db, &d, 0);
    stats raw_id = raw_lookups(db, &d, 1);
    sqlite3_close(db);
    stats show = vouch_lookups(svc, &d, 0);
    stats status = vouch_lookups(svc, &d, 1);
    vouch_service_close(svc);

    /* ---- the table ------------------------------------------------------ */
    printf("\nreference: raw SQLite, same run (vouch's pragmas: WAL, synchronous=FULL,"
           " 32 MiB cache; UNIQUE(project_id, digest))\n");
    printf("%-16s %12s/s   (N rows, one transaction, one prepared statement;"
           " median of %ld runs)\n",
           "raw.insert", group(a, sizeof(a), raw_rate), 2 * rounds);
    printf("%-16s %6.1f us median %7.1f us p99\n", "raw.get.digest", raw_dg.median_us,
           raw_dg.p99_us);
    printf("%-16s %6.1f us median %7.1f us p99   digest lookup costs %.1fx the integer-key one\n",
           "raw.get.id", raw_id.median_us, raw_id.p99_us, raw_dg.median_us / raw_id.median_us);

    printf("\nvouch: libvouch through the router, one process, N = %ld\n", n);
    printf("%-16s %12s/s   raw insert %s/s   ratio %.2f  (goal >= %.2f)  %s\n", "register.batch",
           group(a, sizeof(a), rate1), group(b, sizeof(b), raw_rate), ratio1, GOAL_RATIO,
           verdict(ratio1 >= GOAL_RATIO));
    char label[32];
    snprintf(label, sizeof(label), "register.%dk", CHUNK / 1000);
    printf("%-16s %12s/s   raw insert %s/s   ratio %.2f  (goal >= %.2f)  %s\n", label,
           group(a, sizeof(a), rate2), group(b, sizeof(b), raw_rate), ratio2, GOAL_RATIO,
           verdict(ratio2 >= GOAL_RATIO));
    printf("%-16s %12s/s   (%s into dev, one request = one transaction + fsync each;"
           " no goal)\n",
           "promote", group(a, sizeof(a), prom),
           group(b, sizeof(b), (double)(n < PROMOTIONS ? n : PROMOTIONS)));
    print_lookup("artifact.show", show, raw_dg);
    print_lookup("status", status, raw_dg);
    printf("(ratios: each registration ratio is the median over rounds of vouch / the raw insert\n"
           " measured right before it; lookup ratios are vouch median / raw digest median)\n");

    getrusage(RUSAGE_SELF, &ru);
    printf("\n%-16s %9ld MiB   (whole process, getrusage; %ld MiB of it was reached before"
           " any request:\n%-16s %9s       the data set and the request JSON, one body of N and"
           " %zu of %d, built once)\n",
           "peak.rss", ru.ru_maxrss / 1024, rss_bodies, "", "", nchunks, CHUNK);

    free(d.digest);
    free(d.name);
    free(d.uri);
    rm_tree(scratch);
    return 0;
}
