# `ddl --dialect`: CREATE TABLE statements in sync order for each dialect (spec sync.md 2-9).
source "$2/_lib.bash" "$@"
for d in sqlite postgres mysql; do
    expect_run "ddl_$d" 0 ddl --schema "$INPUT/library.json" --dialect "$d"
done
expect_error 2 'cequel: ddl: unknown dialect "oracle" (expected sqlite, postgres or mysql)' \
    ddl --schema "$INPUT/library.json" --dialect oracle
finish
