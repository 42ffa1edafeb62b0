# Steps and values beyond the basic ones: the getter option through.where, an include naming
# an association as its model (DEVIATIONS.md D5), forEachModel (the model manager's ordered
# iteration, refusing reference cycles), truncate (ordered, D10; inside a transaction), and
# blob literals {"$blob": HEX} in values and where.
source "$2/_lib.bash" "$@"
expect_run extras_assoc 0 run "$INPUT/extras_assoc.json"
expect_run extras_blob 0 run "$INPUT/extras_blob.json"
S='"schema":{"models":{"file":{"attributes":{"data":"BLOB"},"options":{"timestamps":false}}}}'
script_error 'steps[0].truncate: expected {} (truncate takes no options)' \
    "{$S,\"steps\":[{\"truncate\":{\"cascade\":true}}]}"
script_error 'steps[0].forEachModel: expected {} (forEachModel takes no options)' \
    "{$S,\"steps\":[{\"forEachModel\":[]}]}"
script_error 'steps[1].transaction: unknown key for forEachModel' \
    "{$S,\"steps\":[{\"begin\":\"t\"},{\"forEachModel\":{},\"transaction\":\"t\"}]}"
script_error 'steps[0].as: truncate has no result to name' \
    "{$S,\"steps\":[{\"truncate\":{},\"as\":\"x\"}]}"
script_error 'steps[0].values.data.$blob: expected hexadecimal digits, two per byte ("6869")' \
    "{$S,\"steps\":[{\"create\":\"file\",\"values\":{\"data\":{\"\$blob\":\"686\"}}}]}"
script_error 'steps[0].where.data.$in[1].$blob: expected hexadecimal digits, two per byte ("6869")' \
    "{$S,\"steps\":[{\"findAll\":\"file\",\"where\":{\"data\":{\"\$in\":[{\"\$blob\":\"\"},{\"\$blob\":\"zz\"}]}}}]}"
script_error 'steps[0].values.data.$blob: expected hexadecimal digits, two per byte ("6869")' \
    "{$S,\"steps\":[{\"create\":\"file\",\"values\":{\"data\":{\"\$blob\":12}}}]}"
finish
