# DATE(p) in schema files (Sequelize's DataTypes.DATE(3)): fractional-second digits, a
# DATETIME(p) column on MySQL; on MariaDB (CQ_TEST_MYSQL_URL) the milliseconds are kept by
# DATE(3) and dropped by a plain DATE.
source "$2/_lib.bash" "$@"

cat >"$TMP/s.json" <<'J'
{ "models": { "stamp": { "attributes": { "at": "DATE(3)", "plain": "DATE" },
                         "options": { "timestamps": false } } } }
J
ddl=$("$CQ" ddl --schema "$TMP/s.json" --dialect mysql) || fail "ddl failed"
case "$ddl" in *'`at` DATETIME(3), `plain` DATETIME,'*) ;; *) fail "mysql ddl: $ddl" ;; esac
"$CQ" describe --schema "$TMP/s.json" | grep -q '"type": "DATE(3)"' || fail "describe lacks DATE(3)"

schema_error 'models.user.attributes.at: bad type "DATE(7)": expected DATE(digits), digits 1 to 6' \
    '{"models":{"user":{"attributes":{"at":"DATE(7)"}}}}'
schema_error 'models.user.attributes.at: bad type "DATE(3,1)": expected DATE(digits), digits 1 to 6' \
    '{"models":{"user":{"attributes":{"at":"DATE(3,1)"}}}}'

cat >"$TMP/run.json" <<'J'
{ "schema": { "models": { "precisionprobe": { "attributes": { "at": "DATE(3)", "plain": "DATE" },
                                         "options": { "timestamps": false } } } },
  "steps": [
    { "sync": { "force": true } },
    { "create": "precisionprobe", "values": { "at": "2024-05-01T10:20:30.123Z", "plain": "2024-05-01T10:20:30.123Z" } },
    { "findAll": "precisionprobe", "attributes": ["at", "plain"] }
  ] }
J
# SQLite stores the text as given: both keep the milliseconds
out=$("$CQ" run "$TMP/run.json" 2>&1) || fail "sqlite run: $out"
case "$out" in *'{"step":2,"result":[{"at":"2024-05-01T10:20:30.123Z","plain":"2024-05-01T10:20:30.123Z"}]}'*) ;;
    *) fail "sqlite: $out" ;; esac
url=${CQ_TEST_MYSQL_URL:-}
client=$(command -v mariadb || command -v mysql || true)
if [ -n "$url" ] && [ -n "$client" ] &&
    "$CQ" run "$TMP/run.json" --db "${url%%:*}:nothing" 2>&1 | grep -q "MySQL URL"; then
    mysql_database cq_cli_date || fail "cannot create database cq_cli_date_$$"
    out=$("$CQ" run "$TMP/run.json" --db "$db" 2>&1) || fail "mysql run: $out"
    case "$out" in *'{"step":2,"result":[{"at":"2024-05-01T10:20:30.123Z","plain":"2024-05-01T10:20:30.000Z"}]}'*) ;;
        *) fail "mysql: $out" ;; esac
fi
finish
