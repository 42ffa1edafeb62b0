# A top-level where naming a to-many include's attribute joins that include into the parent
# statement, without single_join; the other to-many includes keep their batched query. On
# SQLite, PostgreSQL and MySQL, with the statements' shapes checked on SQLite.
source "$2/_lib.bash" "$@"
script="$INPUT/where_to_many.json"
expect_run where_to_many 0 run "$script"
"$CQ" run "$script" --log >/dev/null 2>"$TMP/sqlite.log" || fail "sqlite run failed"
sel() { grep -F 'SELECT' "$TMP/sqlite.log" | grep -vF 'sqlite_master'; }
# every find of a named to-many include is one joined statement
n=$(sel | grep -F 'LEFT OUTER JOIN `projects` AS `projects` ON `user`.`id` = `projects`.`userId` WHERE' | grep -vc 'count(')
[ "$n" = 6 ] || fail "expected 6 finds joining projects, got $n"
# a count joins what its where names and counts each parent once
n=$(sel | grep -cF 'SELECT count(DISTINCT(`user`.`id`)) AS `count` FROM `users` AS `user` LEFT OUTER JOIN')
[ "$n" = 4 ] || fail "expected 4 joined counts of users, got $n"
sel | grep -qF 'INNER JOIN `projects` AS `projects` ON `user`.`id` = `projects`.`userId` WHERE `projects`.`name` = ?' ||
    fail "required hasMany: no INNER JOIN"
sel | grep -qF 'LEFT OUTER JOIN (`user_labels` AS `labels->user_labels` INNER JOIN `tags` AS `labels`' ||
    fail "aliased belongsToMany: not joined"
sel | grep -qF 'WHERE `projects->tasks`.`title` = ?' || fail "nested path: not joined"
# the include the where does not name keeps its own batched query
sel | grep -qF 'SELECT `id`, `title`, `projectId`, `userId` FROM `tasks` AS `task` WHERE `task`.`userId` IN (?, ?)' ||
    fail "unnamed hasMany: no batched query"
# and, required, filters the parents with EXISTS in the joined statement
sel | grep -qF 'WHERE (EXISTS (SELECT * FROM `tasks` AS `tasks` WHERE (`user`.`id` = `tasks`.`userId` AND `tasks`.`title` = ?)) AND `projects`.`name` = ?)' ||
    fail "required unnamed hasMany: no EXISTS filter"
# a limit and findOne send nothing
n=$(sel | grep -c 'LIMIT')
[ "$n" = 0 ] || fail "a limited find sent a statement: $(sel | grep LIMIT)"
expect_run_postgres where_to_many "$script"
expect_run_mysql where_to_many "$script"
finish
