/*
 * service.c - opening a data directory, transactions, the policy cache and
 * the lookups and JSON renderings every use case shares.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/digest.h"
#include "vouch/json.h"
#include "vouch/timeutil.h"

#define DEFAULT_MAX_SOURCE_BYTES (64ULL * 1024 * 1024 * 1024)

static int db_path(char *out, size_t n, const char *dir, vouch_error *err)
{
    int len = snprintf(out, n, "%s/vouch.db", dir);
    if (len < 0 || (size_t)len >= n)
        return vouch_error_set(err, VOUCH_EINVAL, "data directory path too long: '%.80s...'", dir);
    return 0;
}

static int mkdir_p(const char *dir, vouch_error *err)
{
    char path[PATH_MAX];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof(path))
        return vouch_error_set(err, VOUCH_EINVAL, "invalid data directory '%s'", dir);
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return vouch_error_set(err, VOUCH_EIO, "cannot create directory '%s': %s", path,
                                   strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return vouch_error_set(err, VOUCH_EIO, "cannot create data directory '%s': %s", path,
                               strerror(errno));
    struct stat stbuf;
    if (stat(path, &stbuf) != 0 || !S_ISDIR(stbuf.st_mode))
        return vouch_error_set(err, VOUCH_EIO, "data directory '%s' is not a directory", path);
    return 0;
}

int vouch_service_init(const vouch_service_opts *opts, int *created_out, vouch_error *err)
{
    char db[PATH_MAX];
    struct stat stbuf;
    vouch_store *st = NULL;
    int rc;

    if (created_out)
        *created_out = 0;
    if (!opts || !opts->data_dir || !opts->data_dir[0])
        return vouch_error_set(err, VOUCH_EINVAL, "no data directory given");
    if ((rc = db_path(db, sizeof(db), opts->data_dir, err)) != 0)
        return rc;
    int existed = stat(db, &stbuf) == 0;
    if ((rc = mkdir_p(opts->data_dir, err)) != 0)
        return rc;
    if ((rc = vouch_store_sqlite_open(&st, db, 1, err)) != 0)
        return rc;
    st->ops->close(st);
    if (created_out)
        *created_out = !existed;
    return 0;
}

int vouch_service_open(vouch_service **out, const vouch_service_opts *opts, vouch_error *err)
{
    char db[PATH_MAX];
    struct stat stbuf;
    int rc;

    *out = NULL;
    if (!opts || !opts->data_dir || !opts->data_dir[0])
        return vouch_error_set(err, VOUCH_EINVAL, "no data directory given");
    if ((rc = db_path(db, sizeof(db), opts->data_dir, err)) != 0)
        return rc;
    if (stat(db, &stbuf) != 0)
        return vouch_error_set(err, VOUCH_ENOTFOUND,
                               "no vouch data in '%s': run 'vouch init' first (or pass --data)",
                               opts->data_dir);
    vouch_service *svc = vouch_calloc(1, sizeof(*svc));
    if (!svc)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory opening the service");
    snprintf(svc->data_dir, sizeof(svc->data_dir), "%s", opts->data_dir);
    svc->max_source_bytes =
        opts->max_source_bytes ? opts->max_source_bytes : DEFAULT_MAX_SOURCE_BYTES;
    if ((rc = vouch_store_sqlite_open(&svc->store, db, 0, err)) != 0) {
        vouch_free(svc);
        return rc;
    }
    *out = svc;
    return 0;
}

void vouch_service_close(vouch_service *svc)
{
    if (!svc)
        return;
    if (svc->store)
        svc->store->ops->close(svc->store);
    for (size_t i = 0; i < svc->npolicies; i++)
        vouch_policy_free(svc->policies[i].policy);
    vouch_free(svc->policies);
    vouch_free(svc);
}

int vouch_svc__txn_begin(vouch_service *svc, vouch_txn *t, vouch_error *err)
{
    int rc;
    t->svc = svc;
    vouch_buf_init(&t->scratch, 0);
    if ((rc = svc->store->ops->begin(svc->store, 1, err)) != 0)
        return rc;
    int64_t seq;
    if ((rc = svc->store->ops->audit_head(svc->store, &seq, t->prev_hash, err)) != 0) {
        svc->store->ops->rollback(svc->store);
        return rc;
    }
    if (seq == 0)
        snprintf(t->prev_hash, sizeof(t->prev_hash), "sha256:%064d", 0);
    t->next_seq = seq + 1;
    return 0;
}

int vouch_svc__txn_commit(vouch_txn *t, vouch_error *err)
{
    int rc = t->svc->store->ops->commit(t->svc->store, err);
    vouch_buf_release(&t->scratch);
    return rc;
}

void vouch_svc__txn_abort(vouch_txn *t)
{
    t->svc->store->ops->rollback(t->svc->store);
    vouch_buf_release(&t->scratch);
}

int vouch_svc__policy_cache_put(vouch_service *svc, vouch_policy *p, vouch_error *err)
{
    const char *digest = vouch_policy_digest_str(p);
    for (size_t i = 0; i < svc->npolicies; i++) {
        if (strcmp(svc->policies[i].digest, digest) == 0) {
            vouch_policy_free(p);
            return 0;
        }
    }
    if (svc->npolicies == svc->policies_cap) {
        size_t cap = svc->policies_cap ? svc->policies_cap * 2 : 8, bytes;
        if (vouch_mul_overflow(cap, sizeof(*svc->policies), &bytes) != 0) {
            vouch_policy_free(p);
            return vouch_error_set(err, VOUCH_ENOMEM, "too many policies");
        }
        policy_cache_entry *n = vouch_realloc(svc->policies, bytes);
        if (!n) {
            vouch_policy_free(p);
            return vouch_error_set(err, VOUCH_ENOMEM, "out of memory caching a policy");
        }
        svc->policies = n;
        svc->policies_cap = cap;
    }
    policy_cache_entry *e = &svc->policies[svc->npolicies++];
    snprintf(e->digest, sizeof(e->digest), "%s", digest);
    e->policy = p;
    return 0;
}

int vouch_svc__policy_get(vouch_service *svc, const char *digest, const vouch_policy **out,
                          vouch_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < svc->npolicies; i++) {
        if (strcmp(svc->policies[i].digest, digest) == 0) {
            *out = svc->policies[i].policy;
            return 0;
        }
    }
    char *doc = NULL;
    vouch_policy *p = NULL;
    int rc = svc->store->ops->policy_get(svc->store, digest, &doc, err);
    if (rc)
        return rc;
    rc = vouch_policy_parse(&p, doc, strlen(doc), "stored policy", err);
    vouch_free(doc);
    if (rc)
        return rc;
    if (strcmp(vouch_policy_digest_str(p), digest) != 0) {
        vouch_policy_free(p);
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "stored policy '%s' does not match its digest: the database "
                               "was changed outside vouch",
                               digest);
    }
    if ((rc = vouch_svc__policy_cache_put(svc, p, err)) != 0)
        return rc;
    return vouch_svc__policy_get(svc, digest, out, err);
}

int vouch_svc__project(vouch_service *svc, const char *name, vouch_project_rec *out,
                       vouch_error *err)
{
    if (!name || !name[0])
        return vouch_error_set(err, VOUCH_EINVAL, "no project given");
    if (strlen(name) >= VOUCH_NAME_MAX)
        return vouch_error_set(err, VOUCH_ENOTFOUND, "no project '%.63s...'", name);
    return svc->store->ops->project_get(svc->store, name, out, err);
}

int vouch_svc__artifact(vouch_service *svc, const vouch_project_rec *p, const char *digest,
                        vouch_artifact_rec *out, vouch_error *err)
{
    vouch_digest d;
    int rc;
    if (!digest)
        return vouch_error_set(err, VOUCH_EINVAL, "no digest given");
    if ((rc = vouch_digest_parse_str(&d, digest, err)) != 0)
        return rc;
    rc = svc->store->ops->artifact_get(svc->store, p->id, digest, out, NULL);
    if (rc == VOUCH_ENOTFOUND)
        return vouch_error_set(err, rc, "no artifact '%s' in project '%s'", digest, p->name);
    if (rc)
        return svc->store->ops->artifact_get(svc->store, p->id, digest, out, err);
    return 0;
}

json_t *vouch_svc__time_json(int64_t ms)
{
    char buf[VOUCH_TIME_STR_MAX];
    if (ms <= 0)
        return json_null();
    vouch_time_format_ms(buf, ms);
    return json_string(buf);
}

json_t *vouch_svc__artifact_json(const vouch_project_rec *p, const vouch_artifact_rec *a)
{
    return json_pack("{sI ss ss ss ss ss ss ss ss so so}", "id", (json_int_t)a->id, "project",
                     p->name, "digest", a->digest, "name", a->name, "kind", a->kind, "sourceType",
                     vouch_source_type_name(a->source_type), "sourceUri", a->source_uri,
                     "lifecycle", vouch_lifecycle_name(a->lifecycle), "trust",
                     vouch_trust_name(a->trust), "createdAt", vouch_svc__time_json(a->created_ms),
                     "updatedAt", vouch_svc__time_json(a->updated_ms));
}

json_t *vouch_svc__checks_json(const vouch_checks *checks, int with_evidence)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (int k = 0; k < VOUCH_CHECK__COUNT; k++) {
        json_t *o = json_pack("{ss ss}", "check", vouch_check_kind_name((vouch_check_kind)k),
                              "result", vouch_check_result_name(checks->result[k]));
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
        if (!with_evidence)
            continue;
        json_t *ev = checks->evidence[k] ? json_incref(checks->evidence[k]) : json_null();
        json_t *pd = checks->checked_ms[k] ? json_string(checks->policy_digest[k]) : json_null();
        if (vouch_json_set(o, "evidence", ev) || vouch_json_set(o, "policyDigest", pd) ||
            vouch_json_set(o, "checkedAt", vouch_svc__time_json(checks->checked_ms[k]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *vouch_svc__state_change(const char *from, const char *to)
{
    return json_pack("{ss ss}", "from", from, "to", to);
}

void vouch_svc__copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

const char *vouch_svc__query(const vouch_call *c, const char *key)
{
    const json_t *v = json_object_get(c->query, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int vouch_svc__respond(vouch_response *resp, int status, json_t *body, vouch_error *err)
{
    if (!body)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory building the response");
    resp->status = status;
    resp->body = body;
    resp->code = 0;
    return 0;
}
