# `cequel run examples/scripts/tour.json` (what `make demo` shows) prints the expected lines.
source "$2/_lib.bash" "$@"
expect_run tour 0 run "$DIR/../../examples/scripts/tour.json"
finish
