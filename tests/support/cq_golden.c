#define _POSIX_C_SOURCE 200809L
#include "cq_golden.h"

#include <stdlib.h>
#include <string.h>

char *golden_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
        fail();
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *grown = realloc(text, cap);
            assert_non_null(grown);
            text = grown;
        }
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    text[len] = '\0';
    return text;
}

void golden_assert_text(const char *what, const char *got, const char *expected)
{
    if (strcmp(got, expected) != 0) {
        print_error("%s differs\n--- expected\n%s--- got\n%s", what, expected, got);
        fail();
    }
}

void golden_assert_dump(cq_db *db, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, file);
    char *text = golden_read_file(path);
    cq_value *golden = cq_test_json(text);
    free(text);
    char *expected = NULL;
    assert_int_equal(cq_golden_to_json(&expected, cq_value_object_get(golden, "dump")), CQ_OK);

    cq_value *dump = NULL, *doc = NULL;
    cq_error err = { 0 };
    CQ_ASSERT_OK(db, cq_db_dump(&dump, db, NULL));
    assert_int_equal(cq_golden_normalize(&doc, NULL, dump, &err), CQ_OK);
    char *got = NULL;
    assert_int_equal(cq_golden_to_json(&got, cq_value_object_get(doc, "dump")), CQ_OK);

    char what[256];
    snprintf(what, sizeof what, "dump against %s", file);
    golden_assert_text(what, got, expected);
    cq_free(got);
    cq_free(expected);
    cq_value_free(doc);
    cq_value_free(dump);
    cq_value_free(golden);
}

/* ---- schemas of the conformance scenarios ---------------------------------------------------- */

static void create(cq_db *db, cq_model *m, const char *json)
{
    cq_value *values = cq_test_json(json);
    CQ_ASSERT_OK(db, cq_model_create(NULL, m, values, NULL));
    cq_value_free(values);
}

static int try_create(cq_model *m, const char *json)
{
    cq_value *values = cq_test_json(json);
    int rc = cq_model_create(NULL, m, values, NULL);
    cq_value_free(values);
    return rc;
}

void golden_build_65_model_types_and_defaults(cq_db *db)
{
    cq_model *kind = NULL, *thing = NULL;
    cq_value *unnamed = cq_value_text("unnamed"), *yes = cq_value_bool(true),
             *no = cq_value_bool(false), *seven = cq_value_int(7),
             *pending = cq_value_text("pending"), *happy = cq_value_text("happy");
    const cq_attr kind_attrs[] = {
        { .name = "code", .type = CQ_STRING, .length = 10, .primary_key = true },
        { .name = "label", .type = CQ_TEXT, .allow_null = CQ_OFF, .default_value = unnamed },
        { 0 },
    };
    const cq_attr thing_attrs[] = {
        { .name = "name", .type = CQ_STRING, .allow_null = CQ_OFF },
        { .name = "big", .type = CQ_BIGINT },
        { .name = "small", .type = CQ_SMALLINT },
        { .name = "ratio", .type = CQ_FLOAT },
        { .name = "precise", .type = CQ_DOUBLE },
        { .name = "price", .type = CQ_DECIMAL, .precision = 10, .scale = 2 },
        { .name = "flag", .type = CQ_BOOLEAN, .default_value = yes },
        { .name = "off", .type = CQ_BOOLEAN, .allow_null = CQ_OFF, .default_value = no },
        { .name = "count", .type = CQ_INTEGER, .default_value = seven },
        { .name = "status", .type = CQ_STRING, .default_value = pending },
        { .name = "mood", .type = CQ_STRING, .default_value = happy },
        { .name = "at", .type = CQ_DATE },
        { .name = "day", .type = CQ_DATEONLY },
        { .name = "token", .type = CQ_UUID },
        { .name = "meta", .type = CQ_JSON },
        { .name = "raw", .type = CQ_BLOB },
        { .name = "kindCode",
          .type = CQ_STRING,
          .length = 10,
          .references_model = "kind",
          .references_key = "code",
          .on_delete = CQ_REF_SET_NULL,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    CQ_ASSERT_OK(
        db, cq_db_define(&kind, db, "kind", kind_attrs, &(cq_model_opts){ .timestamps = CQ_OFF }));
    CQ_ASSERT_OK(db, cq_db_define(&thing, db, "thing", thing_attrs, NULL));
    cq_value_free(unnamed);
    cq_value_free(yes);
    cq_value_free(no);
    cq_value_free(seven);
    cq_value_free(pending);
    cq_value_free(happy);
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));

    create(db, kind, "{\"code\":\"A\"}");
    create(db, kind, "{\"code\":\"B\",\"label\":\"bee\"}");
    cq_value *full = cq_test_json(
        "{\"name\":\"full\",\"big\":9007199254740991,\"small\":-3,\"ratio\":0.5,"
        "\"precise\":1.25,\"price\":\"12.50\",\"flag\":false,\"mood\":\"sad\","
        "\"at\":\"2023-03-04T05:06:07.089Z\",\"day\":\"2023-03-04\","
        "\"token\":\"3f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b\",\"meta\":{\"b\":[1,2],\"a\":\"x\"},"
        "\"kindCode\":\"A\"}");
    assert_int_equal(cq_value_object_set(full, "raw", cq_value_blob("hi", 2)), CQ_OK);
    CQ_ASSERT_OK(db, cq_model_create(NULL, thing, full, NULL));
    cq_value_free(full);
    create(db, thing, "{\"name\":\"defaults\",\"kindCode\":\"B\"}");
    create(db, thing, "{\"name\":\"bare\"}");
}

void golden_build_40_manual_references(cq_db *db)
{
    cq_model *series = NULL, *trainer = NULL, *video = NULL;
    const cq_attr series_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "sub_title", .type = CQ_STRING },
        { .name = "description", .type = CQ_TEXT },
        { .name = "trainer_id",
          .type = CQ_INTEGER,
          .references_model = "trainers",
          .references_key = "id",
          .on_delete = CQ_REF_CASCADE,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    const cq_attr trainer_attrs[] = {
        { .name = "first_name", .type = CQ_STRING },
        { .name = "last_name", .type = CQ_STRING },
        { 0 },
    };
    const cq_attr video_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "sequence", .type = CQ_INTEGER },
        { .name = "description", .type = CQ_TEXT },
        { .name = "series_id",
          .type = CQ_INTEGER,
          .references_model = "series",
          .references_key = "id",
          .on_delete = CQ_REF_CASCADE,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    CQ_ASSERT_OK(db, cq_db_define(&series, db, "series", series_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&trainer, db, "trainer", trainer_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&video, db, "video", video_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));

    create(db, trainer, "{\"first_name\":\"Tom\",\"last_name\":\"T\"}");
    create(db, series,
           "{\"title\":\"Yoga\",\"sub_title\":\"basics\","
           "\"description\":\"long text\",\"trainer_id\":1}");
    create(db, video, "{\"title\":\"Intro\",\"sequence\":1,\"series_id\":1}");
    assert_int_equal(try_create(video, "{\"title\":\"dangling\",\"series_id\":999}"),
                     CQ_EFOREIGNKEY);
}

void golden_build_36_fk_custom_actions(cq_db *db)
{
    cq_model *author = NULL, *book = NULL, *review = NULL, *shelf = NULL;
    const cq_attr author_attrs[] = { { .name = "name", .type = CQ_STRING }, { 0 } };
    const cq_attr book_attrs[] = {
        { .name = "title", .type = CQ_STRING },
        { .name = "authorId",
          .type = CQ_INTEGER,
          .references_model = "authors",
          .on_delete = CQ_REF_CASCADE,
          .on_update = CQ_REF_RESTRICT },
        { .name = "shelfId",
          .type = CQ_INTEGER,
          .references_model = "shelves",
          .on_delete = CQ_REF_NO_ACTION,
          .on_update = CQ_REF_NO_ACTION },
        { 0 },
    };
    const cq_attr review_attrs[] = {
        { .name = "stars", .type = CQ_INTEGER },
        { .name = "bookId",
          .type = CQ_INTEGER,
          .references_model = "books",
          .on_delete = CQ_REF_RESTRICT,
          .on_update = CQ_REF_CASCADE },
        { 0 },
    };
    const cq_attr shelf_attrs[] = { { .name = "label", .type = CQ_STRING }, { 0 } };
    CQ_ASSERT_OK(db, cq_db_define(&author, db, "author", author_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&book, db, "book", book_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&review, db, "review", review_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_define(&shelf, db, "shelf", shelf_attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));

    create(db, author, "{\"name\":\"a\"}");
    create(db, author, "{\"name\":\"b\"}");
    create(db, shelf, "{\"label\":\"s\"}");
    create(db, book, "{\"title\":\"a-1\",\"authorId\":1,\"shelfId\":1}");
    create(db, book, "{\"title\":\"a-2\",\"authorId\":1}");
    create(db, book, "{\"title\":\"b-1\",\"authorId\":2,\"shelfId\":1}");
    create(db, review, "{\"stars\":5,\"bookId\":3}");

    cq_value *where_a = cq_test_json("{\"id\":1}"), *where_b = cq_test_json("{\"id\":2}");
    cq_value *new_id = cq_test_json("{\"id\":9}");
    CQ_ASSERT_OK(db, cq_model_destroy(NULL, author, &(cq_bulk_opts){ .where = where_a }));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  cq_model_destroy(NULL, author, &(cq_bulk_opts){ .where = where_b }));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  cq_model_update(NULL, author, new_id, &(cq_bulk_opts){ .where = where_b }));
    CQ_ASSERT_ERR(db, CQ_EFOREIGNKEY,
                  cq_model_destroy(NULL, shelf, &(cq_bulk_opts){ .where = where_a }));
    cq_value_free(where_a);
    cq_value_free(where_b);
    cq_value_free(new_id);
}
