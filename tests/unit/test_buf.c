/* test_buf.c - the growable buffer and error helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "vouch/alloc.h"
#include "vouch/buf.h"
#include "vouch/error.h"

static void test_buf__empty_is_terminated(void **state)
{
    (void)state;
    vouch_buf b;
    vouch_buf_init(&b, 0);
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.len, 0);
    vouch_buf_release(&b);
}

static void test_buf__append_and_printf(void **state)
{
    (void)state;
    vouch_buf b;
    vouch_buf_init(&b, 0);
    assert_int_equal(vouch_buf_puts(&b, "hello"), 0);
    assert_int_equal(vouch_buf_putc(&b, ' '), 0);
    assert_int_equal(vouch_buf_printf(&b, "%s-%d", "world", 42), 0);
    assert_string_equal(b.ptr, "hello world-42");
    /* a long printf exceeding the small stack buffer */
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(vouch_buf_printf(&b, "[%s]", big), 0);
    assert_int_equal(b.len, 14 + 2 + 999);
    assert_int_equal(b.ptr[b.len], '\0');
    vouch_buf_truncate(&b, 5);
    assert_string_equal(b.ptr, "hello");
    size_t n;
    char *s = vouch_buf_detach(&b, &n);
    assert_string_equal(s, "hello");
    assert_int_equal(n, 5);
    assert_int_equal(b.len, 0);
    vouch_free(s);
    vouch_buf_release(&b);
}

static void test_buf__cap_is_sticky(void **state)
{
    (void)state;
    vouch_buf b;
    vouch_buf_init(&b, 8);
    assert_int_equal(vouch_buf_puts(&b, "12345678"), 0);
    assert_int_equal(vouch_buf_puts(&b, "9"), VOUCH_ETOOBIG);
    assert_string_equal(b.ptr, "12345678");
    assert_int_equal(vouch_buf_puts(&b, ""), VOUCH_ETOOBIG);
    vouch_buf_reset(&b);
    assert_int_equal(vouch_buf_puts(&b, "ok"), 0);
    vouch_buf_release(&b);
}

static void test_buf__alloc_failure_is_reported(void **state)
{
    (void)state;
    vouch_buf b;
    vouch_buf_init(&b, 0);
    tu_fail_alloc_after(1);
    assert_int_equal(vouch_buf_puts(&b, "x"), VOUCH_ENOMEM);
    tu_fail_alloc_after(0);
    assert_int_equal(vouch_buf_puts(&b, "x"), VOUCH_ENOMEM); /* sticky */
    vouch_buf_reset(&b);
    assert_int_equal(vouch_buf_puts(&b, "x"), 0);
    vouch_buf_release(&b);
    vouch_alloc_set_hooks(NULL);
}

static void test_buf__error_first_cause_wins(void **state)
{
    (void)state;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_error_set(&err, VOUCH_ENOTFOUND, "no project '%s'", "p"),
                     VOUCH_ENOTFOUND);
    assert_int_equal(vouch_error_set(&err, VOUCH_EINTERNAL, "later"), VOUCH_EINTERNAL);
    assert_int_equal(err.code, VOUCH_ENOTFOUND);
    assert_string_equal(err.message, "no project 'p'");
    assert_string_equal(vouch_error_code_name(VOUCH_ENOTFOUND), "not_found");
    assert_int_equal(vouch_error_code_from_name("denied"), VOUCH_EDENIED);
    assert_int_equal(vouch_error_http_status(VOUCH_ETOOBIG), 413);
    assert_int_equal(vouch_error_set(NULL, VOUCH_EINVAL, "x"), VOUCH_EINVAL);
    vouch_error_clear(&err);
    vouch_error_set_rule(&err, VOUCH_EDENIED, "from", "not in '%s'", "staging");
    assert_string_equal(err.rule, "from");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf__empty_is_terminated),
        cmocka_unit_test(test_buf__append_and_printf),
        cmocka_unit_test(test_buf__cap_is_sticky),
        cmocka_unit_test(test_buf__alloc_failure_is_reported),
        cmocka_unit_test(test_buf__error_first_cause_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
