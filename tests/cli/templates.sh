# Templates over results ($length, $map with as/to) on SQLite, PostgreSQL and MySQL, and the
# errors of malformed templates (before anything runs) and of values that are not lists.
source "$2/_lib.bash" "$@"
script="$INPUT/templates.json"
expect_run templates 0 run "$script"
expect_run_postgres templates "$script"
expect_run_mysql templates "$script"

S='"schema":{"models":{"user":{"attributes":{"name":"STRING"}}}}'
L='{"findAll":"user","as":"us"}'
script_error 'steps[1].return.as: $map takes "as" and "to" together, without "get"' \
    "{$S,\"steps\":[$L,{\"return\":{\"\$map\":\"us\",\"as\":\"u\"}}]}"
script_error 'steps[1].return.to: $map takes "as" and "to" together, without "get"' \
    "{$S,\"steps\":[$L,{\"return\":{\"\$map\":\"us\",\"to\":1}}]}"
script_error 'steps[1].return.as: $map takes "as" and "to" together, without "get"' \
    "{$S,\"steps\":[$L,{\"return\":{\"\$map\":\"us\",\"as\":\"u\",\"to\":1,\"get\":\"x\"}}]}"
script_error 'steps[1].return.as: expected a name (letters, digits, _)' \
    "{$S,\"steps\":[$L,{\"return\":{\"\$map\":\"us\",\"as\":\"u.x\",\"to\":1}}]}"
script_error 'steps[1].return.to.$ref: "v.name" is not defined by an earlier step'"'"'s "as"' \
    "{$S,\"steps\":[$L,{\"return\":{\"\$map\":\"us\",\"as\":\"u\",\"to\":{\"\$ref\":\"v.name\"}}}]}"
script_error 'steps[1].return.x.$ref: "u.name" is not defined by an earlier step'"'"'s "as"' \
    "{$S,\"steps\":[$L,{\"return\":{\"m\":{\"\$map\":\"us\",\"as\":\"u\",\"to\":1},\"x\":{\"\$ref\":\"u.name\"}}}]}"
script_error 'steps[1].return.$length: $length stands alone (a path or a template)' \
    "{$S,\"steps\":[$L,{\"return\":{\"\$length\":\"us\",\"x\":1}}]}"
script_error 'steps[1].return.$length: "nope" is not defined by an earlier step'"'"'s "as"' \
    "{$S,\"steps\":[$L,{\"return\":{\"\$length\":\"nope\"}}]}"

# at run time: the length of something that is not a list
printf '%s' "{$S,\"steps\":[{\"sync\":{}},{\"count\":\"user\",\"as\":\"n\"},{\"return\":{\"\$length\":\"n\"}},{\"return\":{\"\$length\":{\"\$ref\":\"n\"}}}]}" >"$TMP/len.json"
got=$("$CQ" run "$TMP/len.json" 2>/dev/null | tail -1)
[ "$got" = '{"step":2,"error":{"code":"CQ_EINVALID","message":"steps[2].return: \"n\" is not a list"}}' ] ||
    fail "length of a number: $got"
finish
