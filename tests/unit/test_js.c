/*
 * JavaScript's rules (core/js.c) and the in-place value operations (core/value_ops.c).
 * The expected texts are what Node.js prints for the same input (String(x), Number(s),
 * Array#sort, Object.keys, JSON.stringify, Buffer#toString, String#toLowerCase).
 */
#include "cq_test.h"

#include <math.h>
#include <string.h>

#include "core/js.h"
#include "core/util.h"
#include "core/value_ops.h"

static void test_js__number_to_string(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *s;
    } cases[] = {
        { 0.1, "0.1" },
        { 1e21, "1e+21" },
        { 1.5e21, "1.5e+21" },
        { 123456789012345680000.0, "123456789012345680000" },
        { 1e-7, "1e-7" },
        { 1.5e-7, "1.5e-7" },
        { 0.000001, "0.000001" },
        { 0.0000015, "0.0000015" },
        { -2.5, "-2.5" },
        { 100, "100" },
        { 1.0 / 3, "0.3333333333333333" },
        { 5e-324, "5e-324" },
        { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { 0, "0" },
    };
    char out[CQ__JS_NUMBER_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cq__js_number(out, cases[i].d);
        assert_string_equal(out, cases[i].s);
    }
    cq__js_int(out, 9007199254740993LL); /* beyond 2^53: printed as the double it becomes */
    assert_string_equal(out, "9007199254740992");
    cq__js_int(out, -42);
    assert_string_equal(out, "-42");
}

static void test_js__string_to_number(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double d;
    } ok[] = { { " 0x1F ", 31 }, { "0b101", 5 }, { "0o17", 15 }, { "1e3", 1000 }, { "", 0 },
               { "  ", 0 },      { "1.", 1 },    { ".5", 0.5 },  { "-2.5", -2.5 } };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        double d = -1;
        assert_true(cq__js_to_number(ok[i].s, &d));
        assert_true(d == ok[i].d);
    }
    double d = 0;
    assert_true(cq__js_to_number("+Infinity", &d) && isinf(d) && d > 0);
    assert_true(cq__js_to_number("-Infinity", &d) && isinf(d) && d < 0);
    static const char *const nan[] = { "abc", "0x", "1e", "12px" };
    for (size_t i = 0; i < sizeof nan / sizeof *nan; i++)
        assert_false(cq__js_to_number(nan[i], &d));
}

static void test_js__utf16_order_and_length(void **state)
{
    (void)state;
    /* ["\u{1F600}", "\uFFFD", "a", "B"].sort() is ["B", "a", "\u{1F600}", "\uFFFD"]: the
     * emoji's high surrogate 0xD83D sorts before 0xFFFD, unlike its code point */
    assert_true(cq__js_strcmp("\xF0\x9F\x98\x80", "\xEF\xBF\xBD") < 0);
    assert_true(cq__js_strcmp("B", "a") < 0);
    assert_true(cq__js_strcmp("a", "ab") < 0);
    assert_int_equal(cq__js_strcmp("same", "same"), 0);
    assert_int_equal(cq__js_strlen("\xF0\x9F\x98\x80", 4), 2);
    assert_int_equal(cq__js_strlen("\xC3\xA9", 2), 1);
}

static void test_js__object_keys_sorted_deep(void **state)
{
    (void)state;
    cq_value *o = NULL;
    assert_int_equal(cq_value_from_json(&o,
                                        "[{\"b\":1,\"10\":2,\"a\":3,\"2\":4,\"01\":5,"
                                        "\"4294967295\":6,\"4294967294\":7}]",
                                        NULL),
                     CQ_OK);
    cq__js_sort_keys_deep(o);
    char *json = NULL;
    assert_int_equal(cq_value_to_json(&json, o, 0), CQ_OK);
    assert_string_equal(json, "[{\"2\":4,\"10\":2,\"4294967294\":7,\"01\":5,\"4294967295\":6,"
                              "\"a\":3,\"b\":1}]");
    cq_free(json);
    cq_value_free(o);
}

static void test_js__stringify_and_buffer_text(void **state)
{
    (void)state;
    cq_value *v = cq_value_object();
    assert_int_equal(cq_value_object_set(v, "s", cq_value_text("a\"b\\c\n\x01")), CQ_OK);
    assert_int_equal(cq_value_object_set(v, "n", cq_value_double(1e21)), CQ_OK);
    assert_int_equal(cq_value_object_set(v, "x", cq_value_double(NAN)), CQ_OK);
    assert_int_equal(cq_value_object_set(v, "b", cq_value_blob("\x01\xff", 2)), CQ_OK);
    cq__buf b = { 0 };
    cq__js_stringify(&b, v);
    char *s = cq__buf_take(&b);
    assert_string_equal(s, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":1e+21,\"x\":null,"
                           "\"b\":{\"type\":\"Buffer\",\"data\":[1,255]}}");
    cq__free(s);
    cq_value_free(v);
    size_t len = 0;
    char *t = cq__js_buffer_string("\xff\x41\xe2\x82", 4, &len);
    assert_int_equal(len, 7);
    assert_memory_equal(t,
                        "\xEF\xBF\xBD"
                        "A"
                        "\xEF\xBF\xBD",
                        7);
    cq__free(t);
    char lower[] = "\xC3\x80\xC3\x89\xCE\xA3\xD0\x96\xD0\x81\xC4\x80\xC5\xB8";
    cq__js_lower(lower, strlen(lower)); /* "ÀÉΣЖЁĀŸ".toLowerCase() */
    assert_string_equal(lower, "\xC3\xA0\xC3\xA9\xCF\x83\xD0\xB6\xD1\x91\xC4\x81\xC3\xBF");
}

static int cmp_first_char(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return cq_value_as_text(a)[0] - cq_value_as_text(b)[0];
}

static int cmp_ints(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return (int)(cq_value_as_int(a) - cq_value_as_int(b));
}

static void test_js__array_sort_is_stable(void **state)
{
    (void)state;
    cq_value *arr = NULL;
    assert_int_equal(cq_value_from_json(&arr, "[\"b1\",\"a1\",\"b2\",\"a2\",\"c\",\"a3\"]", NULL),
                     CQ_OK);
    assert_int_equal(cq__value_array_sort(arr, cmp_first_char, NULL), CQ_OK);
    char *json = NULL;
    assert_int_equal(cq_value_to_json(&json, arr, 0), CQ_OK);
    assert_string_equal(json, "[\"a1\",\"a2\",\"a3\",\"b1\",\"b2\",\"c\"]");
    cq_free(json);
    /* sorted by separate keys, which move along */
    cq_value *k0 = cq_value_int(3), *k1 = cq_value_int(1), *k2 = cq_value_int(3);
    void *keys[] = { k0, k1, k2 };
    cq__value_array_remove(arr, 5);
    cq__value_array_remove(arr, 4);
    cq__value_array_remove(arr, 0);
    assert_int_equal(cq_value_size(arr), 3); /* a2 a3 b1 */
    assert_int_equal(cq__value_array_sort_keyed(arr, keys, cmp_ints, NULL), CQ_OK);
    assert_int_equal(cq_value_to_json(&json, arr, 0), CQ_OK);
    assert_string_equal(json, "[\"a3\",\"a2\",\"b1\"]");
    assert_ptr_equal(keys[0], k1);
    cq_free(json);
    cq_value_free(k0);
    cq_value_free(k1);
    cq_value_free(k2);
    cq_value_free(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_js__number_to_string),
        cmocka_unit_test(test_js__string_to_number),
        cmocka_unit_test(test_js__utf16_order_and_length),
        cmocka_unit_test(test_js__object_keys_sorted_deep),
        cmocka_unit_test(test_js__stringify_and_buffer_text),
        cmocka_unit_test(test_js__array_sort_is_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
