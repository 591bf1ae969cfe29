/* test_time.c - RFC 3339 formatting and parsing, and the wall clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "vouch/error.h"
#include "vouch/timeutil.h"

static void check_format(int64_t ms, const char *want)
{
    char out[VOUCH_TIME_STR_MAX];
    memset(out, 'X', sizeof(out));
    size_t n = vouch_time_format_ms(out, ms);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static int64_t parse_ok(const char *s)
{
    int64_t ms = -42;
    vouch_error err;
    vouch_error_clear(&err);
    int rc = vouch_time_parse(&ms, s, &err);
    if (rc != 0)
        fail_msg("'%s' refused: %s", s, err.message);
    return ms;
}

static void test_time__format_known_epochs(void **state)
{
    (void)state;
    check_format(0, "1970-01-01T00:00:00.000Z");
    check_format(1, "1970-01-01T00:00:00.001Z");
    check_format(-1, "1969-12-31T23:59:59.999Z");
    check_format(-1000, "1969-12-31T23:59:59.000Z");
    check_format(1709210096789, "2024-02-29T12:34:56.789Z"); /* leap day */
    check_format(1709251199999, "2024-02-29T23:59:59.999Z");
    check_format(1709251200000, "2024-03-01T00:00:00.000Z");
    /* 2100 is not a leap year: Feb 28 is followed by Mar 1 */
    check_format(4107542399999, "2100-02-28T23:59:59.999Z");
    check_format(4107542400000, "2100-03-01T00:00:00.000Z");
    check_format(951782400000, "2000-02-29T00:00:00.000Z"); /* 2000 is */
    check_format(253402300799999, "9999-12-31T23:59:59.999Z");
    check_format(-62167219200000, "0000-01-01T00:00:00.000Z");
}

static void test_time__format_clamps_to_four_digit_years(void **state)
{
    (void)state;
    check_format(INT64_MAX, "9999-12-31T23:59:59.999Z");
    check_format(253402300800000, "9999-12-31T23:59:59.999Z");
    check_format(INT64_MIN, "0000-01-01T00:00:00.000Z");
}

static void test_time__format_ignores_tz(void **state)
{
    (void)state;
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    setenv("TZ", "Pacific/Kiritimati", 1); /* UTC+14 */
    tzset();
    check_format(0, "1970-01-01T00:00:00.000Z");
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

static void test_time__now_is_plausible(void **state)
{
    (void)state;
    int64_t a = vouch_time_now_ms();
    int64_t b = vouch_time_now_ms();
    assert_true(a > 1700000000000LL); /* after 2023-11 */
    assert_true(b >= a);
    assert_true((int64_t)time(NULL) * 1000 - a < 5000);
}

static void test_time__round_trips(void **state)
{
    (void)state;
    char out[VOUCH_TIME_STR_MAX];
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* spread over 0000..9999 */
        int64_t ms = -62167219200000LL + (int64_t)(x % 315569520000000ULL);
        vouch_time_format_ms(out, ms);
        assert_int_equal(parse_ok(out), ms);
    }
    int64_t now = vouch_time_now_ms();
    vouch_time_format_ms(out, now);
    assert_int_equal(parse_ok(out), now);
}

static void test_time__parse_offsets(void **state)
{
    (void)state;
    const int64_t base = 1709210096000; /* 2024-02-29T12:34:56Z */
    assert_int_equal(parse_ok("2024-02-29T12:34:56Z"), base);
    assert_int_equal(parse_ok("2024-02-29T14:34:56+02:00"), base);
    assert_int_equal(parse_ok("2024-02-29T07:04:56-05:30"), base);
    assert_int_equal(parse_ok("2024-02-29T12:34:56+00:00"), base);
    assert_int_equal(parse_ok("2024-02-29T12:34:56-00:00"), base); /* RFC 3339 4.3 */
    /* an offset moves the date across midnight and a leap day */
    assert_int_equal(parse_ok("2024-03-01T08:34:56+20:00"), base);
    assert_int_equal(parse_ok("2024-02-28T23:34:56-13:00"), base);
    assert_int_equal(parse_ok("1970-01-01T00:00:00+23:59"), -(23 * 60 + 59) * 60000LL);
    /* RFC 3339 5.6 NOTE: lowercase t and z */
    assert_int_equal(parse_ok("2024-02-29t12:34:56z"), base);
}

static void test_time__parse_fractions(void **state)
{
    (void)state;
    const int64_t base = 1709210096000;
    assert_int_equal(parse_ok("2024-02-29T12:34:56.7Z"), base + 700);
    assert_int_equal(parse_ok("2024-02-29T12:34:56.78Z"), base + 780);
    assert_int_equal(parse_ok("2024-02-29T12:34:56.789Z"), base + 789);
    assert_int_equal(parse_ok("2024-02-29T12:34:56.000Z"), base);
    /* beyond milliseconds: truncated, never rounded up */
    assert_int_equal(parse_ok("2024-02-29T12:34:56.123456789Z"), base + 123);
    assert_int_equal(parse_ok("2024-02-29T12:34:56.9999999999999999999999Z"), base + 999);
    assert_int_equal(parse_ok("2024-02-29T14:34:56.5+02:00"), base + 500);
    /* before the epoch, fractions still add */
    assert_int_equal(parse_ok("1969-12-31T23:59:59.250Z"), -750);
}

static void test_time__parse_leap_second(void **state)
{
    (void)state;
    /* 2016-12-31T23:59:60Z was a real leap second; POSIX time folds it
     * into the next second. */
    assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), 1483228800000);
    assert_int_equal(parse_ok("2016-12-31T23:59:60.5Z"), 1483228800500);
    assert_int_equal(parse_ok("2016-12-31T18:59:60-05:00"), 1483228800000);
}

static void test_time__parse_calendar(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400000);
    assert_int_equal(parse_ok("0000-01-01T00:00:00Z"), -62167219200000);
    assert_int_equal(parse_ok("9999-12-31T23:59:59.999Z"), 253402300799999);
    assert_int_equal(parse_ok("0000-02-29T00:00:00Z"), -62162121600000); /* year 0 is leap */
    assert_int_equal(parse_ok("2023-12-31T23:59:59Z") + 1000, parse_ok("2024-01-01T00:00:00Z"));
    assert_int_equal(parse_ok("2024-04-30T00:00:00Z"), parse_ok("2024-05-01T00:00:00Z") - 86400000);
}

static const char *const invalid[] = {
    "",
    "2024",
    "2024-02-29",
    "2024-02-29T12:34Z",
    "2024-13-01T00:00:00Z",      /* month 13 */
    "2024-00-01T00:00:00Z",      /* month 0 */
    "2024-01-00T00:00:00Z",      /* day 0 */
    "2024-01-32T00:00:00Z",      /* day 32 */
    "2024-02-30T00:00:00Z",      /* Feb 30 */
    "2023-02-29T00:00:00Z",      /* not a leap year */
    "2100-02-29T00:00:00Z",      /* not a leap year */
    "2024-04-31T00:00:00Z",      /* April has 30 */
    "2024-02-29T24:00:00Z",      /* hour 24 */
    "2024-02-29T12:60:00Z",      /* minute 60 */
    "2024-02-29T12:34:61Z",      /* second 61 */
    "2024-02-29T12:34:60Z",      /* leap second not at 23:59 UTC */
    "2024-02-29T23:59:60+01:00", /* 22:59:60 UTC */
    "2024-02-29 12:34:56Z",      /* missing T */
    "2024-02-2912:34:56Z",       /* missing T */
    "2024-02-29T12:34:56",       /* missing offset */
    "2024-02-29T12:34:56Zjunk",  /* trailing junk */
    "2024-02-29T12:34:56Z ",     /* trailing space */
    " 2024-02-29T12:34:56Z",     /* leading space */
    "2024-02-29T12:34:56.Z",     /* fraction without digits */
    "2024-02-29T12:34:56,5Z",    /* comma fraction */
    "2024-02-29T12:34:56+24:00", /* offset hour 24 */
    "2024-02-29T12:34:56+02:60", /* offset minute 60 */
    "2024-02-29T12:34:56+0200",  /* offset without colon */
    "2024-02-29T12:34:56+02",    /* offset without minutes */
    "2024-02-29T12:34:56UTC",    /* not an offset */
    "24-02-29T12:34:56Z",        /* two-digit year */
    "+2024-02-29T12:34:56Z",     /* signed year */
    "2024-2-29T12:34:56Z",       /* one-digit month */
    "2024-02-29T1:34:56Z",       /* one-digit hour */
    "2024/02/29T12:34:56Z",      /* wrong separators */
    "2024-02-29T12-34-56Z",      /* wrong separators */
    "２０２４-02-29T12:34:56Z",  /* non-ASCII digits */
    "2024-02-29X12:34:56Z",      /* not T */
    "1710000000",                /* epoch seconds */
};

static void test_time__parse_refuses_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        int64_t ms = 77;
        vouch_error err;
        vouch_error_clear(&err);
        int rc = vouch_time_parse(&ms, invalid[i], &err);
        if (rc != VOUCH_EINVAL)
            fail_msg("'%s' accepted (rc %d, ms %lld)", invalid[i], rc, (long long)ms);
        assert_int_equal(err.code, VOUCH_EINVAL);
        assert_int_equal(ms, 0);
        char quoted[128];
        snprintf(quoted, sizeof(quoted), "invalid time '%s': ", invalid[i]);
        assert_memory_equal(err.message, quoted, strlen(quoted));
    }
}

static void test_time__parse_error_messages(void **state)
{
    (void)state;
    static const struct {
        const char *in, *msg;
    } cases[] = {
        {"2024-02-30T00:00:00Z", "invalid time '2024-02-30T00:00:00Z': day out of range"},
        {"2024-13-01T00:00:00Z", "invalid time '2024-13-01T00:00:00Z': month out of range"},
        {"2024-02-29T12:34:56Zx",
         "invalid time '2024-02-29T12:34:56Zx': unexpected characters after the time"},
        {"2024-02-29T12:34:56", "invalid time '2024-02-29T12:34:56': missing time zone offset"},
        {"2024-02-29 12:34:56Z",
         "invalid time '2024-02-29 12:34:56Z': expected 'T' between date and time"},
        {"", "invalid time '': expected a date YYYY-MM-DD"},
        {"2024-02-29T12:34:56Z\n",
         "invalid time '2024-02-29T12:34:56Z?': unexpected characters after the time"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms;
        vouch_error err;
        vouch_error_clear(&err);
        assert_int_equal(vouch_time_parse(&ms, cases[i].in, &err), VOUCH_EINVAL);
        assert_string_equal(err.message, cases[i].msg);
    }
}

static void test_time__parse_bounds_quoted_input(void **state)
{
    (void)state;
    char big[4096];
    memset(big, '9', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    int64_t ms;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_time_parse(&ms, big, &err), VOUCH_EINVAL);
    assert_true(strlen(err.message) < 200);
    assert_non_null(strstr(err.message, "...'"));
    assert_int_equal(vouch_time_parse(&ms, NULL, NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_time_parse(NULL, "1970-01-01T00:00:00Z", NULL), VOUCH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time__format_known_epochs),
        cmocka_unit_test(test_time__format_clamps_to_four_digit_years),
        cmocka_unit_test(test_time__format_ignores_tz),
        cmocka_unit_test(test_time__now_is_plausible),
        cmocka_unit_test(test_time__round_trips),
        cmocka_unit_test(test_time__parse_offsets),
        cmocka_unit_test(test_time__parse_fractions),
        cmocka_unit_test(test_time__parse_leap_second),
        cmocka_unit_test(test_time__parse_calendar),
        cmocka_unit_test(test_time__parse_refuses_invalid),
        cmocka_unit_test(test_time__parse_error_messages),
        cmocka_unit_test(test_time__parse_bounds_quoted_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
