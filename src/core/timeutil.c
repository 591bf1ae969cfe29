/* timeutil.c - wall-clock time, and RFC 3339 text formatted and parsed without TZ or locale. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vouch/timeutil.h"

#define MS_PER_DAY 86400000LL
/* 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants a
 * four-digit RFC 3339 year can name. */
#define MIN_MS (-719528LL * MS_PER_DAY)
#define MAX_MS 253402300799999LL

int64_t vouch_time_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0; /* cannot fail with a valid clock id and pointer */
    return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

/*
 * Times outside years 0000..9999 are clamped to that range: RFC 3339 has no
 * other years, and the output must always parse back and sort as text.
 */
size_t vouch_time_format_ms(char *out, int64_t epoch_ms)
{
    struct tm tm;
    int64_t sec, ms;
    time_t t;
    int n;

    if (!out)
        return 0;
    if (epoch_ms < MIN_MS)
        epoch_ms = MIN_MS;
    if (epoch_ms > MAX_MS)
        epoch_ms = MAX_MS;
    sec = epoch_ms / 1000;
    ms = epoch_ms % 1000;
    if (ms < 0) { /* floor, so that -1 ms is 23:59:59.999 the day before */
        ms += 1000;
        sec -= 1;
    }
    t = (time_t)sec;
    memset(&tm, 0, sizeof(tm));
    if ((int64_t)t != sec || !gmtime_r(&t, &tm)) {
        /* only where time_t is 32 bits; say the epoch rather than garbage */
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = 70;
        tm.tm_mday = 1;
        ms = 0;
    }
    n = snprintf(out, VOUCH_TIME_STR_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)ms);
    return n > 0 ? (size_t)n : 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil); valid for any year, no TZ involved. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Exactly n ASCII digits at *p into *out; advances *p. */
static int take_digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int take_char(const char **p, char a, char b)
{
    if (**p != a && **p != b)
        return -1;
    (*p)++;
    return 0;
}

/* The fields of an RFC 3339 date-time, as written. */
struct rfc3339 {
    int year, month, day, hour, minute, second, ms;
    int offset_min; /* east of UTC */
};

/* RFC 3339 5.6 time-secfrac: "." 1*DIGIT; digits past milliseconds are
 * read and dropped (truncation, never rounding into the next second). */
static int take_fraction(const char **p, int *ms)
{
    int scale = 100, digits = 0;

    *ms = 0;
    if (**p != '.')
        return 0;
    (*p)++;
    for (; **p >= '0' && **p <= '9'; (*p)++, digits++) {
        *ms += (**p - '0') * scale;
        scale /= 10;
    }
    return digits > 0 ? 0 : -1;
}

/* RFC 3339 5.6 time-offset: "Z" / ("+" / "-") time-hour ":" time-minute;
 * "t" and "z" may be lowercase (5.6, NOTE). "-00:00" (4.3) means UTC. */
static const char *take_offset(const char **p, int *offset_min)
{
    int sign, h, m;

    if (take_char(p, 'Z', 'z') == 0) {
        *offset_min = 0;
        return NULL;
    }
    if (**p != '+' && **p != '-')
        return **p ? "expected 'Z' or a +hh:mm/-hh:mm offset" : "missing time zone offset";
    sign = **p == '-' ? -1 : 1;
    (*p)++;
    if (take_digits(p, 2, &h) != 0 || take_char(p, ':', ':') != 0 || take_digits(p, 2, &m) != 0)
        return "malformed offset, expected +hh:mm or -hh:mm";
    if (h > 23 || m > 59)
        return "offset out of range";
    *offset_min = sign * (h * 60 + m);
    return NULL;
}

/* Syntax only: the grammar of RFC 3339 5.6 date-time. NULL or a reason. */
static const char *scan(const char *s, struct rfc3339 *f)
{
    const char *p = s;
    const char *why;

    if (take_digits(&p, 4, &f->year) != 0 || take_char(&p, '-', '-') != 0 ||
        take_digits(&p, 2, &f->month) != 0 || take_char(&p, '-', '-') != 0 ||
        take_digits(&p, 2, &f->day) != 0)
        return "expected a date YYYY-MM-DD";
    if (take_char(&p, 'T', 't') != 0)
        return "expected 'T' between date and time";
    if (take_digits(&p, 2, &f->hour) != 0 || take_char(&p, ':', ':') != 0 ||
        take_digits(&p, 2, &f->minute) != 0 || take_char(&p, ':', ':') != 0 ||
        take_digits(&p, 2, &f->second) != 0)
        return "expected a time HH:MM:SS";
    if (take_fraction(&p, &f->ms) != 0)
        return "expected digits after '.'";
    why = take_offset(&p, &f->offset_min);
    if (why)
        return why;
    if (*p)
        return "unexpected characters after the time";
    return NULL;
}

/* Ranges, days per month with leap years, and leap seconds (RFC 3339 5.7:
 * second 60 only where UTC reads 23:59). NULL or a reason. */
static const char *validate(const struct rfc3339 *f)
{
    int utc_min;

    if (f->month < 1 || f->month > 12)
        return "month out of range";
    if (f->day < 1 || f->day > days_in_month(f->year, f->month))
        return "day out of range";
    if (f->hour > 23)
        return "hour out of range";
    if (f->minute > 59)
        return "minute out of range";
    utc_min = ((f->hour * 60 + f->minute - f->offset_min) % 1440 + 1440) % 1440;
    if (f->second > 60 || (f->second == 60 && utc_min != 23 * 60 + 59))
        return "second out of range";
    return NULL;
}

/* Copy of s as a message quotes it: bounded, control bytes as '?'. */
static void quote_input(char *out, size_t size, const char *s)
{
    size_t i = 0;

    for (; s[i] && i + 1 < size; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    if (s[i])
        memcpy(out + size - 4, "...", 4);
}

int vouch_time_parse(int64_t *out_ms, const char *s, vouch_error *err)
{
    struct rfc3339 f;
    const char *why;
    char shown[68];
    int64_t days, ms;

    if (out_ms)
        *out_ms = 0;
    if (!out_ms || !s)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot parse time: no input or output given");
    memset(&f, 0, sizeof(f));
    why = scan(s, &f);
    if (!why)
        why = validate(&f);
    if (why) {
        quote_input(shown, sizeof(shown), s);
        return vouch_error_set(err, VOUCH_EINVAL, "invalid time '%s': %s", shown, why);
    }
    /* POSIX time has no leap seconds: 23:59:60.5 reads as 00:00:00.5 of
     * the next day, which the arithmetic below gives by itself. */
    days = days_from_civil(f.year, f.month, f.day);
    ms = days * MS_PER_DAY + ((int64_t)f.hour * 3600 + (int64_t)f.minute * 60 + f.second) * 1000 +
         f.ms;
    *out_ms = ms - (int64_t)f.offset_min * 60000;
    return 0;
}
