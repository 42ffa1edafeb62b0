# `describe`: table names, fields (underscored, field), generated id and timestamps, unique,
# defaults, references by model name and by table name; associations (spec naming.md 6-7):
# accessor names, injected keys, join models, scopes.
source "$2/_lib.bash" "$@"
expect_run describe_library 0 describe --schema "$INPUT/library.json"
expect_run describe_assoc 0 describe --schema "$INPUT/assoc.json"
finish
