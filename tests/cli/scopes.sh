# Model scopes from a schema file in finders, counts, aggregates, getters, update and destroy:
# the same results on SQLite, PostgreSQL and MySQL, statements shaped as Sequelize 6's.
source "$2/_lib.bash" "$@"
script="$INPUT/scopes.json"
expect_run scopes 0 run "$script"
expect_run_postgres scopes "$script"
expect_run_mysql scopes "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/scopes.log" || fail "scopes: --log run failed"
for want in \
    'SELECT `name` FROM `Users` AS `User` WHERE `User`.`active` = ? ORDER BY `User`.`id` ASC; [1]' \
    'SELECT `name` FROM `Users` AS `User` WHERE `User`.`age` < ? ORDER BY `User`.`id` ASC; [30]' \
    'SELECT count(*) AS `count` FROM `Users` AS `User` WHERE `User`.`active` = ?; [1]' \
    'DELETE FROM `Users` WHERE (`active` = ? AND `name` = ?); [1,"dan"]'; do
    grep -qF "$want" "$TMP/scopes.log" || fail "scopes: no statement $want"
done
script_error 'steps[1].scope: expected a scope name, {"method": [name, args...]}, an object, an array of them, or false' \
    '{"schema":{"models":{"u":{"attributes":{"n":"STRING"}}}},"steps":[{"sync":{}},{"findAll":"u","scope":7}]}'
schema_error 'models.u.options.scopes.a: expected an object of finder options, or the name of a function scope bound with cq_db_bind_scope' \
    '{"models":{"u":{"attributes":{"n":"STRING"},"options":{"scopes":{"a":7}}}}}'
finish
