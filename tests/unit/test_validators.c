/* Validations without a database write: every built-in validator on the values of
 * tests/data/validators.json (taken from validator.js's own tests and checked against
 * Sequelize 6), then the order and text of the failures of one model compared with what
 * Sequelize 6 reports for the same definitions and values, custom and model validators,
 * bound callbacks, and definition errors. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static int setup(void **state)
{
    cq_db *db = NULL;
    if (cq_db_open(&db, "sqlite::memory:", NULL, NULL) != CQ_OK)
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    cq_db_close(*state);
    return 0;
}

/* The db's failures as Sequelize's errors.map(({message, type, path, value, validatorKey})). */
static cq_value *items_value(cq_db *db)
{
    cq_value *arr = cq_value_array();
    for (size_t i = 0; i < cq_db_validation_count(db); i++) {
        const cq_validation_item *it = cq_db_validation_item(db, i);
        cq_value *o = cq_value_object();
        cq_value_object_set(o, "message", cq_value_text(it->message));
        cq_value_object_set(o, "type", cq_value_text(it->type));
        cq_value_object_set(o, "path", cq_value_text(it->path));
        cq_value_object_set(o, "value", cq_value_copy(it->value));
        cq_value_object_set(o, "validatorKey",
                            it->validator_key ? cq_value_text(it->validator_key) : cq_value_null());
        cq_value_array_append(arr, o);
    }
    return arr;
}

static void assert_items(cq_db *db, const char *expected)
{
    cq_value *want = NULL, *got = items_value(db);
    assert_int_equal(cq_value_from_json(&want, expected, NULL), CQ_OK);
    if (!cq_value_is_equal(got, want)) {
        char *text = NULL;
        cq_value_to_json(&text, got, 0);
        print_error("got      %s\nexpected %s\n", text, expected);
        cq_free(text);
        fail();
    }
    cq_value_free(want);
    cq_value_free(got);
}

/* Builds an instance of `m` from JSON and validates it. */
static int validate_json(cq_db *db, cq_model *m, const char *json)
{
    cq_value *v = NULL;
    assert_int_equal(cq_value_from_json(&v, json, NULL), CQ_OK);
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(db, cq_model_build(&inst, m, v));
    int rc = cq_instance_validate(inst, NULL);
    cq_instance_free(inst);
    cq_value_free(v);
    return rc;
}

static void test_validators__data_table(void **state)
{
    (void)state; /* a db per case: its model is defined before its first instance */
    char *text = read_file(CQ_TEST_DATA_DIR "/validators.json");
    cq_value *doc = NULL;
    assert_int_equal(cq_value_from_json(&doc, text, NULL), CQ_OK);
    free(text);
    const cq_value *cases = cq_value_object_get(doc, "cases");
    size_t checked = 0, failures = 0;
    for (size_t c = 0; c < cq_value_size(cases); c++) {
        const cq_value *tc = cq_value_array_get(cases, c);
        const char *key = cq_value_as_text(cq_value_object_get(tc, "key"));
        const cq_value *args = cq_value_object_get(tc, "args");
        const cq_value *an = cq_value_object_get(tc, "allowNull");
        char name[32];
        snprintf(name, sizeof name, "m%zu", c);
        const cq_validator rules[] = { { .key = key, .args = args }, { 0 } };
        const cq_attr attrs[] = { { .name = "v",
                                    .type = CQ_STRING,
                                    .allow_null = an && !cq_value_as_bool(an) ? CQ_OFF : CQ_DEFAULT,
                                    .validate = rules },
                                  { 0 } };
        cq_model *m = NULL;
        cq_db *db = NULL;
        assert_int_equal(cq_db_open(&db, "sqlite::memory:", NULL, NULL), CQ_OK);
        CQ_ASSERT_OK(db, cq_db_define(&m, db, name, attrs, NULL));
        for (int pass = 1; pass >= 0; pass--) {
            const cq_value *list = cq_value_object_get(tc, pass ? "valid" : "invalid");
            for (size_t i = 0; i < cq_value_size(list); i++) {
                cq_value *vals = cq_value_object();
                cq_value_object_set(vals, "v", cq_value_copy(cq_value_array_get(list, i)));
                cq_instance *inst = NULL;
                CQ_ASSERT_OK(db, cq_model_build(&inst, m, vals));
                int rc = cq_instance_validate(inst, NULL);
                char expect_msg[128];
                snprintf(expect_msg, sizeof expect_msg, "Validation %s on v failed", key);
                bool ok =
                    pass ? rc == CQ_OK
                         : rc == CQ_EVALIDATION && cq_db_validation_count(db) == 1 &&
                               strcmp(cq_db_validation_item(db, 0)->message, expect_msg) == 0 &&
                               strcmp(cq_db_validation_item(db, 0)->validator_key, key) == 0;
                if (!ok) {
                    failures++;
                    print_error("%s %s: \"%s\" should be %s (rc %d: %s)\n", key,
                                args ? "(args)" : "", cq_value_as_text(cq_value_array_get(list, i)),
                                pass ? "valid" : "invalid", rc, cq_db_error(db)->message);
                }
                checked++;
                cq_instance_free(inst);
                cq_value_free(vals);
            }
        }
        cq_db_close(db);
    }
    cq_value_free(doc);
    print_message("validators: %zu values checked\n", checked);
    assert_true(checked > 600);
    assert_int_equal(failures, 0);
}

/* A custom validator: fails with `user_data` as message when the value equals it. */
static int fail_on(char *msg, size_t size, const cq_instance *inst, const char *attr,
                   const cq_value *value, void *user_data)
{
    (void)inst;
    (void)attr;
    const char *bad = user_data;
    if (strcmp(bad, "null") == 0 ? value && cq_value_is_null(value) /* not unset (undefined) */
                                 : cq_value_type_of(value) == CQ_VALUE_TEXT &&
                                       strcmp(cq_value_as_text(value), bad) == 0) {
        snprintf(msg, size, "%s", strcmp(bad, "x") == 0 ? "custom x" : "null seen");
        return -1;
    }
    return CQ_OK;
}

static int age_rule(char *msg, size_t size, const cq_instance *inst, const char *attr,
                    const cq_value *value, void *user_data)
{
    (void)attr;
    (void)value;
    (void)user_data;
    const cq_value *age = cq_instance_get(inst, "age");
    if (cq_value_type_of(age) == CQ_VALUE_INT && cq_value_as_int(age) == 200) {
        snprintf(msg, size, "age is %d", 200);
        return -1;
    }
    return CQ_OK;
}

static int always(char *msg, size_t size, const cq_instance *inst, const char *attr,
                  const cq_value *value, void *user_data)
{
    (void)inst;
    (void)attr;
    (void)value;
    (void)user_data;
    snprintf(msg, size, "always");
    return -1;
}

/* /work/seq scratch t4.js: the same definitions on Sequelize 6 print these items. */
static void test_validators__order_and_messages_match_sequelize(void **state)
{
    cq_db *db = *state;
    cq_value *len = NULL, *isin = NULL, *notin = NULL, *is = NULL, *max = NULL;
    cq_value_from_json(&len, "[2, 5]", NULL);
    cq_value_from_json(&isin, "[[\"1.2.3.4\", \"a\"]]", NULL);
    cq_value_from_json(&notin, "[[\"5.5.5.5\"]]", NULL);
    cq_value_from_json(&is, "[\"^[A-Z]+$\"]", NULL);
    cq_value_from_json(&max, "[99]", NULL);
    cq_value *eighteen = cq_value_int(18), *four = cq_value_int(4), *x = cq_value_text("x");
    const cq_validator name_v[] = { { .key = "len", .args = len },
                                    { .key = "isAlpha" },
                                    { .key = "notNull", .msg = "a name is required" },
                                    { 0 } };
    const cq_validator email_v[] = { { .key = "isEmail" },
                                     { .key = "custom", .fn = fail_on, .user_data = "x" },
                                     { 0 } };
    const cq_validator age_v[] = { { .key = "min", .args = eighteen },
                                   { .key = "max", .args = max, .msg = "too old" },
                                   { .key = "isInt" },
                                   { 0 } };
    const cq_validator code_v[] = { { .key = "is", .args = is },
                                    { .key = "seen", .fn = fail_on, .user_data = "null" },
                                    { 0 } };
    const cq_validator code2_v[] = { { .key = "seen2", .fn = fail_on, .user_data = "null" },
                                     { 0 } };
    const cq_validator ip_v[] = { { .key = "isIP", .args = four },
                                  { .key = "isIn", .args = isin },
                                  { .key = "notIn", .args = notin },
                                  { .key = "contains", .args = x },
                                  { 0 } };
    const cq_attr attrs[] = {
        { .name = "name", .type = CQ_STRING, .allow_null = CQ_OFF, .validate = name_v },
        { .name = "email", .type = CQ_STRING, .validate = email_v },
        { .name = "age", .type = CQ_INTEGER, .validate = age_v },
        { .name = "code", .type = CQ_STRING, .allow_null = CQ_ON, .validate = code_v },
        { .name = "code2", .type = CQ_STRING, .validate = code2_v },
        { .name = "ip", .type = CQ_STRING, .validate = ip_v },
        { 0 }
    };
    const cq_validator model_v[] = { { .key = "ageRule", .fn = age_rule },
                                     { .key = "always", .fn = always },
                                     { 0 } };
    cq_model *user = NULL;
    CQ_ASSERT_OK(db,
                 cq_db_define(&user, db, "user", attrs, &(cq_model_opts){ .validate = model_v }));
    cq_value *args[] = { len, isin, notin, is, max, eighteen, four, x };
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++)
        cq_value_free(args[i]); /* copied by define */

    assert_int_equal(validate_json(db, user,
                                   "{\"name\": null, \"email\": \"bad\", \"age\": 3, \"code\": "
                                   "null, \"ip\": \"5.5.5.5\"}"),
                     CQ_EVALIDATION);
    assert_string_equal(
        cq_db_error(db)->message,
        "notNull Violation: a name is required,\nValidation error: null seen,\nValidation error: "
        "always,\nValidation error: Validation isEmail on email failed,\nValidation error: "
        "Validation min on age failed,\nValidation error: Validation isIn on ip failed,\n"
        "Validation error: Validation notIn on ip failed,\nValidation error: Validation contains "
        "on ip failed");
    assert_items(
        db,
        "[{\"message\":\"a name is required\",\"type\":\"notNull "
        "Violation\",\"path\":\"name\",\"value\":null,\"validatorKey\":\"is_null\"},{\"message\":"
        "\"null seen\",\"type\":\"Validation "
        "error\",\"path\":\"code\",\"value\":null,\"validatorKey\":\"seen\"},{\"message\":"
        "\"always\",\"type\":\"Validation "
        "error\",\"path\":\"always\",\"value\":null,\"validatorKey\":\"always\"},{\"message\":"
        "\"Validation isEmail on email failed\",\"type\":\"Validation "
        "error\",\"path\":\"email\",\"value\":\"bad\",\"validatorKey\":\"isEmail\"},{\"message\":"
        "\"Validation min on age failed\",\"type\":\"Validation "
        "error\",\"path\":\"age\",\"value\":3,\"validatorKey\":\"min\"},{\"message\":\"Validation "
        "isIn on ip failed\",\"type\":\"Validation "
        "error\",\"path\":\"ip\",\"value\":\"5.5.5.5\",\"validatorKey\":\"isIn\"},{\"message\":"
        "\"Validation notIn on ip failed\",\"type\":\"Validation "
        "error\",\"path\":\"ip\",\"value\":\"5.5.5.5\",\"validatorKey\":\"notIn\"},{\"message\":"
        "\"Validation contains on ip failed\",\"type\":\"Validation "
        "error\",\"path\":\"ip\",\"value\":\"5.5.5.5\",\"validatorKey\":\"contains\"}]");

    assert_int_equal(validate_json(db, user,
                                   "{\"name\": \"abcdef1\", \"email\": \"x\", \"age\": 200, "
                                   "\"code\": \"abc\", \"ip\": \"zz\"}"),
                     CQ_EVALIDATION);
    assert_items(
        db, "[{\"message\":\"custom x\",\"type\":\"Validation "
            "error\",\"path\":\"email\",\"value\":\"x\",\"validatorKey\":\"custom\"},{\"message\":"
            "\"age is 200\",\"type\":\"Validation "
            "error\",\"path\":\"ageRule\",\"value\":null,\"validatorKey\":\"ageRule\"},{"
            "\"message\":\"always\",\"type\":\"Validation "
            "error\",\"path\":\"always\",\"value\":null,\"validatorKey\":\"always\"},{\"message\":"
            "\"Validation len on name failed\",\"type\":\"Validation "
            "error\",\"path\":\"name\",\"value\":\"abcdef1\",\"validatorKey\":\"len\"},{"
            "\"message\":\"Validation isAlpha on name failed\",\"type\":\"Validation "
            "error\",\"path\":\"name\",\"value\":\"abcdef1\",\"validatorKey\":\"isAlpha\"},{"
            "\"message\":\"Validation isEmail on email failed\",\"type\":\"Validation "
            "error\",\"path\":\"email\",\"value\":\"x\",\"validatorKey\":\"isEmail\"},{"
            "\"message\":\"too old\",\"type\":\"Validation "
            "error\",\"path\":\"age\",\"value\":200,\"validatorKey\":\"max\"},{\"message\":"
            "\"Validation is on code failed\",\"type\":\"Validation "
            "error\",\"path\":\"code\",\"value\":\"abc\",\"validatorKey\":\"is\"},{\"message\":"
            "\"Validation isIP on ip failed\",\"type\":\"Validation "
            "error\",\"path\":\"ip\",\"value\":\"zz\",\"validatorKey\":\"isIP\"},{\"message\":"
            "\"Validation isIn on ip failed\",\"type\":\"Validation "
            "error\",\"path\":\"ip\",\"value\":\"zz\",\"validatorKey\":\"isIn\"},{\"message\":"
            "\"Validation contains on ip failed\",\"type\":\"Validation "
            "error\",\"path\":\"ip\",\"value\":\"zz\",\"validatorKey\":\"contains\"}]");
    /* the built-in items carry v6's validatorName and validatorArgs */
    const cq_validation_item *len_item = cq_db_validation_item(db, 3);
    assert_string_equal(len_item->validator_name, "len");
    char *args_json = NULL;
    cq_value_to_json(&args_json, len_item->validator_args, 0);
    assert_string_equal(args_json, "[2,5]");
    cq_free(args_json);
    assert_null(cq_db_validation_item(db, 1)->validator_name);
    assert_null(cq_db_validation_item(db, 11));

    assert_int_equal(validate_json(db, user,
                                   "{\"name\": \"ada\", \"email\": \"a@b.co\", \"age\": 20, "
                                   "\"ip\": \"1.2.3.4x\"}"),
                     CQ_EVALIDATION);
    assert_int_equal(cq_db_validation_count(db), 3);
    /* the next call on the db drops them */
    assert_non_null(cq_db_model(db, "user"));
    cq_instance *inst = NULL;
    CQ_ASSERT_OK(db, cq_model_build(&inst, user, NULL));
    assert_int_equal(cq_db_validation_count(db), 0);
    cq_instance_free(inst);
}

static void test_validators__only_not_null_is_enotnull(void **state)
{
    cq_db *db = *state;
    const cq_attr attrs[] = { { .name = "a", .type = CQ_STRING, .allow_null = CQ_OFF },
                              { .name = "b", .type = CQ_STRING, .allow_null = CQ_OFF },
                              { 0 } };
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "pair", attrs, NULL));
    assert_int_equal(validate_json(db, m, "{}"), CQ_ENOTNULL);
    assert_string_equal(cq_db_error(db)->message,
                        "notNull Violation: pair.a cannot be null,\nnotNull Violation: pair.b "
                        "cannot be null");
    assert_int_equal(cq_db_validation_count(db), 2);
    assert_string_equal(cq_db_validation_item(db, 1)->origin, "CORE");
}

static int bound_even(char *msg, size_t size, const cq_instance *inst, const char *attr,
                      const cq_value *value, void *user_data)
{
    (void)inst;
    int *calls = user_data;
    (*calls)++;
    if (cq_value_as_int(value) % 2 == 0)
        return CQ_OK;
    snprintf(msg, size, "%s must be even", attr);
    return -1;
}

static void test_validators__bound_callbacks(void **state)
{
    cq_db *db = *state;
    const cq_validator v[] = { { .key = "isEven", .bound = "even" }, { 0 } };
    const cq_attr attrs[] = { { .name = "n", .type = CQ_INTEGER, .validate = v }, { 0 } };
    cq_model *m = NULL;
    /* unbound when it runs: a clear error, no items (on a db of its own: binding is a
     * definition, refused once a db is in use) */
    cq_db *other = NULL;
    assert_int_equal(cq_db_open(&other, "sqlite::memory:", NULL, NULL), CQ_OK);
    CQ_ASSERT_OK(other, cq_db_define(&m, other, "num", attrs, NULL));
    assert_int_equal(validate_json(other, m, "{\"n\": 3}"), CQ_EINVALID);
    assert_non_null(strstr(cq_db_error(other)->message, "\"even\", which is not bound"));
    assert_int_equal(cq_db_validation_count(other), 0);
    assert_int_equal(cq_db_bind_validator(other, "even", bound_even, NULL), CQ_EINVALID);
    assert_non_null(strstr(cq_db_error(other)->message, "defined too late"));
    assert_false(cq_db_is_validator_bound(other, "even"));
    cq_db_close(other);

    CQ_ASSERT_OK(db, cq_db_define(&m, db, "num", attrs, NULL));
    int calls = 0;
    assert_false(cq_db_is_validator_bound(db, "even"));
    CQ_ASSERT_OK(db, cq_db_bind_validator(db, "even", bound_even, &calls));
    assert_true(cq_db_is_validator_bound(db, "even"));
    assert_int_equal(validate_json(db, m, "{\"n\": 3}"), CQ_EVALIDATION);
    assert_string_equal(cq_db_validation_item(db, 0)->message, "n must be even");
    assert_string_equal(cq_db_validation_item(db, 0)->validator_key, "isEven");
    assert_int_equal(validate_json(db, m, "{\"n\": 4}"), CQ_OK);
    /* null and allowNull not true: custom validators do not run (v6 #9143) */
    assert_int_equal(validate_json(db, m, "{\"n\": null}"), CQ_OK);
    assert_int_equal(calls, 2);
}

static void test_validators__definition_errors(void **state)
{
    cq_db *db = *state;
    const cq_validator nn[] = { { .key = "notNull" }, { 0 } };
    const cq_attr a1[] = { { .name = "x", .type = CQ_STRING, .validate = nn }, { 0 } };
    assert_int_equal(cq_db_define(NULL, db, "d1", a1, NULL), CQ_EINVALID);
    assert_string_equal(cq_db_error(db)->message,
                        "Invalid definition for \"d1.x\", \"notNull\" validator is only allowed "
                        "with \"allowNull:false\"");
    const cq_validator unknown[] = { { .key = "isEmial" }, { 0 } };
    const cq_attr a2[] = { { .name = "x", .type = CQ_STRING, .validate = unknown }, { 0 } };
    assert_int_equal(cq_db_define(NULL, db, "d2", a2, NULL), CQ_EINVALID);
    assert_non_null(strstr(cq_db_error(db)->message, "\"isEmial\" is not a built-in one"));
    const cq_validator model_bad[] = { { .key = "both" }, { 0 } };
    assert_int_equal(cq_db_define(NULL, db, "d3", NULL, &(cq_model_opts){ .validate = model_bad }),
                     CQ_EINVALID);
    assert_null(cq_db_model(db, "d1"));
    assert_null(cq_db_model(db, "d3"));
}

static void test_validators__regex_errors_and_flags(void **state)
{
    cq_db *db = *state;
    cq_value *bad = NULL, *flags = NULL;
    cq_value_from_json(&bad, "[\"(unclosed\"]", NULL);
    cq_value_from_json(&flags, "[\"a\", \"q\"]", NULL);
    const cq_validator v[] = { { .key = "is", .args = bad },
                               { .key = "not", .args = flags },
                               { 0 } };
    const cq_attr attrs[] = { { .name = "s", .type = CQ_STRING, .validate = v }, { 0 } };
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "rx", attrs, NULL));
    cq_value_free(bad);
    cq_value_free(flags);
    /* v6: the RegExp constructor throws, and its message becomes the item's */
    assert_int_equal(validate_json(db, m, "{\"s\": \"abc\"}"), CQ_EVALIDATION);
    assert_int_equal(cq_db_validation_count(db), 2);
    assert_non_null(strstr(cq_db_validation_item(db, 0)->message, "Invalid regular expression"));
    assert_string_equal(cq_db_validation_item(db, 1)->message,
                        "Invalid flags supplied to RegExp constructor 'q'");
}

static void test_validators__values_as_javascript_strings(void **state)
{
    cq_db *db = *state;
    cq_value *five = cq_value_text("5"), *zero5 = cq_value_text("0.5");
    const cq_validator v[] = { { .key = "equals", .args = five }, { 0 } };
    const cq_validator d[] = { { .key = "equals", .args = zero5 }, { 0 } };
    const cq_attr attrs[] = { { .name = "n", .type = CQ_INTEGER, .validate = v },
                              { .name = "f", .type = CQ_DOUBLE, .validate = d },
                              { 0 } };
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "js", attrs, NULL));
    cq_value_free(five);
    cq_value_free(zero5);
    /* String(5) === "5", String(0.5) === "0.5" */
    assert_int_equal(validate_json(db, m, "{\"n\": 5, \"f\": 0.5}"), CQ_OK);
    assert_int_equal(validate_json(db, m, "{\"n\": 6, \"f\": 0.25}"), CQ_EVALIDATION);
    assert_int_equal(cq_db_validation_count(db), 2);
}

static int count_calls(char *msg, size_t size, const cq_instance *inst, const char *attr,
                       const cq_value *value, void *user_data)
{
    (void)inst;
    (void)attr;
    (void)value;
    int *calls = user_data;
    if (++*calls >= 5) {
        snprintf(msg, size, "fifth call");
        return -1;
    }
    return CQ_OK;
}

/* v6: save() runs the validators even when nothing changed (only the model validators have
 * anything to check then) and sends no statement. Without `fields`, v6 validates an update a
 * second time after the beforeUpdate hooks (only what they changed, so again only the model
 * validators): Sequelize 6 counts 1 after create, 3 after an unchanged save, 4 after a save
 * with `fields`. */
static void test_validators__unchanged_save_runs_model_validators(void **state)
{
    cq_db *db = *state;
    int calls = 0;
    const cq_validator mv[] = { { .key = "counted", .fn = count_calls, .user_data = &calls },
                                { 0 } };
    const cq_attr attrs[] = { { .name = "n", .type = CQ_INTEGER }, { 0 } };
    cq_model *m = NULL;
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "counter", attrs, &(cq_model_opts){ .validate = mv }));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_instance *inst = NULL;
    cq_value *v = NULL;
    assert_int_equal(cq_value_from_json(&v, "{\"n\": 1}", NULL), CQ_OK);
    CQ_ASSERT_OK(db, cq_model_create(&inst, m, v, NULL));
    cq_value_free(v);
    assert_int_equal(calls, 1);
    CQ_ASSERT_OK(db, cq_instance_save(inst, NULL));
    assert_int_equal(calls, 3);
    const char *const fields[] = { "n", NULL };
    CQ_ASSERT_OK(db, cq_instance_save(inst, &(cq_write_opts){ .fields = fields }));
    assert_int_equal(calls, 4);
    assert_int_equal(cq_instance_save(inst, NULL), CQ_EVALIDATION);
    assert_string_equal(cq_db_validation_item(db, 0)->path, "counted");
    assert_string_equal(cq_db_validation_item(db, 0)->message, "fifth call");
    cq_instance_free(inst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validators__data_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validators__order_and_messages_match_sequelize, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validators__only_not_null_is_enotnull, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validators__bound_callbacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validators__definition_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validators__regex_errors_and_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validators__values_as_javascript_strings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validators__unchanged_save_runs_model_validators,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
