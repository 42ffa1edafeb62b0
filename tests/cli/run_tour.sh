# `cequel run examples/scripts/tour.json` (what `make demo` shows) prints the expected lines;
# with --log the SQL goes to stderr and stdout is unchanged.
source "$2/_lib.bash" "$@"
expect_run tour 0 run "$DIR/../../examples/scripts/tour.json"
expect_run tour 0 run "$DIR/../../examples/scripts/tour.json" --log
grep -qF 'Executing (default): CREATE TABLE IF NOT EXISTS `teams`' "$TMP/tour.err" ||
    fail "--log: no CREATE TABLE on stderr"
grep -F 'Executing (default): INSERT INTO `teams`' "$TMP/tour.err" | grep -qF '["Red Stars"]' ||
    fail "--log: no INSERT with its bound values on stderr"
finish
