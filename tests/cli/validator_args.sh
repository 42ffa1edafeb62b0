# validatorArgs of isEmail / isUrl failures with a msg, as v6 records them (SQLite).
source "$2/_lib.bash" "$@"
expect_run validator_args 0 run "$INPUT/validator_args.json"
finish
