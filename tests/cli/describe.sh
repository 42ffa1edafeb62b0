# `describe`: table names, fields (underscored, field), generated id and timestamps, unique,
# defaults, references by model name and by table name.
source "$2/_lib.bash" "$@"
expect_run describe_library 0 describe --schema "$INPUT/library.json"
finish
