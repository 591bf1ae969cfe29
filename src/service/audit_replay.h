/* audit_replay.h - replay the audit trail and compare it with the stored state. */
#ifndef VOUCH_AUDIT_REPLAY_H
#define VOUCH_AUDIT_REPLAY_H

#include <jansson.h>

#include "store/store.h"

typedef struct vouch_replay vouch_replay;

int vouch_svc__replay_new(vouch_replay **out, vouch_error *err);
void vouch_svc__replay_free(vouch_replay *r);
/* Apply one (already chain-verified) event. */
int vouch_svc__replay_event(vouch_replay *r, const json_t *ev, int64_t seq, vouch_error *err);
/* VOUCH_EVERIFY naming the first disagreement between replay and tables. */
int vouch_svc__replay_compare(vouch_replay *r, vouch_store *st, vouch_error *err);

#endif
