# findAll/findOne with v6's full attributes, group and having: the same results on SQLite,
# PostgreSQL and MySQL, the statements' shapes in the log; literals only with --allow-literals.
source "$2/_lib.bash" "$@"
script="$INPUT/attributes.json"
expect_run attributes 0 run "$script"
expect_run_postgres attributes "$script"
expect_run_mysql attributes "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/attributes.log" || fail "attributes: --log run failed"
for want in \
    'SELECT COUNT(`id`) AS `n`, `name` FROM `users` AS `user` GROUP BY `name` ORDER BY `user`.`name` ASC;' \
    'SELECT `name`, MIN(`age`) AS `youngest` FROM `users` AS `user` GROUP BY `name` HAVING COUNT(`id`) > ?; [1]' \
    'SELECT LOWER(`name`) AS `l`, COUNT(DISTINCT(`age`)) AS `ages` FROM `users` AS `user` GROUP BY LOWER(`name`) ORDER BY `l` DESC;'; do
    grep -qF "$want" "$TMP/attributes.log" || fail "attributes: no statement $want"
done
if [ -f "$TMP/attributes.pg.log" ]; then
    grep -qF 'HAVING COUNT("id") > $1; [1]' "$TMP/attributes.pg.log" || fail "attributes: PostgreSQL HAVING"
fi
expect_run attributes_literal 0 run "$INPUT/attributes_literal.json" --allow-literals
script_error 'steps[2].attributes[0]: expected a name or [expression or name, alias]' \
    '{"schema":{"models":{"u":{"attributes":{"n":"STRING"}}}},"steps":[{"sync":{}},{"bulkCreate":"u","values":[]},{"findAll":"u","attributes":[[{"$fn":["COUNT"]}]]}]}'
finish
