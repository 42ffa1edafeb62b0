# `createdAt: false` / `updatedAt: false` (sync.md 1: a timestamp set to false is omitted) and
# their inheritance by a join model (associations.md 5.3's AB example), on three dialects.
source "$2/_lib.bash" "$@"
script="$INPUT/timestamps.json"
expect_run timestamps 0 run "$script"
cp "$INPUT/timestamps_schema.json" "$TMP/schema.json"
"$CQ" ddl --schema "$TMP/schema.json" --dialect sqlite >"$TMP/ddl.out" 2>&1 || fail "ddl: $(cat "$TMP/ddl.out")"
grep -qF 'CREATE TABLE IF NOT EXISTS `AB` (`created_on` DATETIME NOT NULL, `version` INTEGER NOT NULL DEFAULT 0, `a_id` INTEGER NOT NULL' "$TMP/ddl.out" ||
    fail "join model: $(cat "$TMP/ddl.out")"
grep -qF 'CREATE TABLE IF NOT EXISTS `cs` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `title` VARCHAR(255), `updatedAt` DATETIME NOT NULL);' "$TMP/ddl.out" ||
    fail "createdAt: false: $(cat "$TMP/ddl.out")"
expect_run_postgres timestamps "$script"
expect_run_mysql timestamps "$script"
finish
