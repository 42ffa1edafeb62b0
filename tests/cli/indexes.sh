# The `indexes` model option: `ddl` lists each index after its table, per dialect; `sync`
# creates them; `dump` shows them; bad index definitions fail with the JSON path.
source "$2/_lib.bash" "$@"
cat >"$TMP/ix.json" <<'JSON'
{"models": {
   "user": {"attributes": {"username": "STRING"}},
   "post": {"attributes": {"title": "STRING"},
            "options": {"indexes": [{"fields": ["userId"]},
                                    {"fields": ["userId", "title"], "unique": true, "name": "one_title"}]}}},
 "associations": [{"source": "user", "type": "hasMany", "target": "post"}]}
JSON
"$CQ" ddl --schema "$TMP/ix.json" --dialect sqlite >"$TMP/sqlite.out" 2>&1 || fail "ddl sqlite: $(cat "$TMP/sqlite.out")"
"$CQ" ddl --schema "$TMP/ix.json" --dialect postgres >"$TMP/pg.out" 2>&1 || fail "ddl postgres: $(cat "$TMP/pg.out")"
"$CQ" ddl --schema "$TMP/ix.json" --dialect mysql >"$TMP/my.out" 2>&1 || fail "ddl mysql: $(cat "$TMP/my.out")"
[ "$(sed -n 3,4p "$TMP/sqlite.out")" = 'CREATE INDEX `posts_user_id` ON `posts` (`userId`);
CREATE UNIQUE INDEX `one_title` ON `posts` (`userId`, `title`);' ] || fail "sqlite ddl: $(cat "$TMP/sqlite.out")"
[ "$(sed -n 3,4p "$TMP/pg.out")" = 'CREATE INDEX "posts_user_id" ON "posts" ("userId");
CREATE UNIQUE INDEX "one_title" ON "posts" ("userId", "title");' ] || fail "postgres ddl: $(cat "$TMP/pg.out")"
[ "$(sed -n 3,4p "$TMP/my.out")" = 'ALTER TABLE `posts` ADD INDEX `posts_user_id` (`userId`);
ALTER TABLE `posts` ADD UNIQUE INDEX `one_title` (`userId`, `title`);' ] || fail "mysql ddl: $(cat "$TMP/my.out")"
# describe lists them (only for models that declare indexes)
"$CQ" describe --schema "$TMP/ix.json" >"$TMP/describe.out" 2>&1 || fail "describe: $(cat "$TMP/describe.out")"
tr -d ' \n' <"$TMP/describe.out" >"$TMP/describe.flat"
grep -qF '"indexes":[{"name":"posts_user_id","fields":["userId"],"unique":false},{"name":"one_title","fields":["userId","title"],"unique":true}]' "$TMP/describe.flat" ||
    fail "describe lacks the indexes: $(cat "$TMP/describe.out")"
[ "$(grep -c '"indexes"' "$TMP/describe.out")" = 1 ] || fail "describe: indexes on a model without them"
db="sqlite:$TMP/ix.db"
"$CQ" sync --schema "$TMP/ix.json" --db "$db" >/dev/null 2>"$TMP/sync.err" || fail "sync: $(cat "$TMP/sync.err")"
# a second sync finds both indexes by name and adds nothing
"$CQ" sync --schema "$TMP/ix.json" --db "$db" --log >/dev/null 2>"$TMP/sync2.err" || fail "sync 2: $(cat "$TMP/sync2.err")"
! grep -q 'CREATE' "$TMP/sync2.err" || fail "second sync created something: $(cat "$TMP/sync2.err")"
"$CQ" dump --db "$db" >"$TMP/dump.out" 2>&1 || fail "dump: $(cat "$TMP/dump.out")"
tr -d ' \n' <"$TMP/dump.out" >"$TMP/dump.flat"
grep -qF '"indexes":[["userId"]]' "$TMP/dump.flat" || fail "dump lacks posts_user_id: $(cat "$TMP/dump.out")"
grep -qF '"unique":[["title","userId"]]' "$TMP/dump.flat" || fail "dump lacks one_title: $(cat "$TMP/dump.out")"
schema_error 'models.post.options.indexes[0].fields: expected a non-empty array of column names' \
    '{"models": {"post": {"attributes": {}, "options": {"indexes": [{"fields": []}]}}}}'
schema_error 'models.post.options.indexes[0]: "fields" is required' \
    '{"models": {"post": {"attributes": {}, "options": {"indexes": [{"unique": true}]}}}}'
schema_error 'models.post.options.indexes[0].using: unknown index option (expected fields, name, unique)' \
    '{"models": {"post": {"attributes": {}, "options": {"indexes": [{"fields": ["a"], "using": "gin"}]}}}}'
schema_error 'models.post.options.indexes: expected an array of {"fields": [...], "name", "unique"}' \
    '{"models": {"post": {"attributes": {}, "options": {"indexes": {}}}}}'
finish
