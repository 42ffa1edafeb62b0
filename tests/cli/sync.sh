# `sync` creates the tables in a file database; a later `run` with --schema uses them;
# `sync --force` drops and re-creates them.
source "$2/_lib.bash" "$@"
db="sqlite:$TMP/shop.db"
expect_sync_round_trip "$db"
# Without a schema anywhere, and with two schemas, `run` is a usage error.
expect_error 2 "cequel: no schema: give \"schema\" in the script or --schema FILE" \
    run "$TMP/count.json"
expect_error 2 "cequel: $INPUT/steps.json: the script has a \"schema\"; --schema is not allowed" \
    run "$INPUT/steps.json" --schema "$INPUT/shop.json"
finish
