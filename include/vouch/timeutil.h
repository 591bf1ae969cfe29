/*
 * vouch/timeutil.h - wall-clock time as RFC 3339 text and back.
 *
 * vouch writes times as UTC with milliseconds, "2026-11-22T08:52:22.123Z",
 * so that they sort as strings. Parsing accepts RFC 3339 date-time with
 * optional fraction and a "Z" or "+hh:mm"/"-hh:mm" offset.
 */
#ifndef VOUCH_TIMEUTIL_H
#define VOUCH_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"

#define VOUCH_TIME_STR_MAX 32

/* Milliseconds since the Unix epoch, from CLOCK_REALTIME. */
VOUCH_EXTERN int64_t vouch_time_now_ms(void);

/* Format epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out
 * (size >= VOUCH_TIME_STR_MAX). Returns the length. */
VOUCH_EXTERN size_t vouch_time_format_ms(char *out, int64_t epoch_ms);

/* Parse RFC 3339 into epoch milliseconds (fractions beyond ms truncated).
 * VOUCH_EINVAL naming the input when it is not RFC 3339. */
VOUCH_EXTERN int vouch_time_parse(int64_t *out_ms, const char *s, vouch_error *err);

#endif
