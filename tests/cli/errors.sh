# Bad input: every message names the JSON path of the fault (or line:column for broken JSON),
# exit 2 for usage/schema/script faults, exit 1 for a failing step; never a crash.
source "$2/_lib.bash" "$@"

# --- usage
expect_error 2 "cequel: unknown command frob (see cequel --help)" frob
expect_error 2 "cequel: describe: --schema FILE is required (see cequel --help)" describe
expect_error 2 "cequel: run: a SCRIPT file is required (see cequel --help)" run
expect_error 2 "cequel: unknown option --verbose (see cequel --help)" describe --verbose
expect_error 2 "cequel: option --schema needs a value (see cequel --help)" describe --schema
expect_error 2 "cequel: sync: option not valid for this command (see cequel --help)" \
    sync --schema "$INPUT/shop.json" --format dot
expect_error 2 "cequel: $TMP/none.json: No such file or directory" describe --schema "$TMP/none.json"
"$CQ" --help >/dev/null || fail "--help exits non-zero"

# --- schema files
schema_error 'models.user.attributes.age.type: unknown type "INTEGR"' \
    '{"models":{"user":{"attributes":{"age":{"type":"INTEGR"}}}}}'
schema_error 'models.user.attributes.age: unknown type "string" (types are upper case: "STRING")' \
    '{"models":{"user":{"attributes":{"age":"string"}}}}'
schema_error 'models.user.attributes.age: bad type "STRING(0)": expected NAME(length)' \
    '{"models":{"user":{"attributes":{"age":"STRING(0)"}}}}'
schema_error 'models.user.attributes.age: type INTEGER takes no arguments (got "INTEGER(11)")' \
    '{"models":{"user":{"attributes":{"age":"INTEGER(11)"}}}}'
schema_error 'models.user.attributes.p: bad type "DECIMAL(2,5)": scale is larger than precision' \
    '{"models":{"user":{"attributes":{"p":"DECIMAL(2,5)"}}}}'
schema_error 'models.user.attributes.x.onDelete: unknown action "explode" (expected RESTRICT, CASCADE, NO ACTION, SET DEFAULT or SET NULL)' \
    '{"models":{"user":{"attributes":{"x":{"type":"INTEGER","onDelete":"explode"}}}}}'
schema_error 'models.user.attributes.x.validate.isEmial: not a built-in validator; a custom one names a callback the program binds ("isEmial": "callbackName")' \
    '{"models":{"user":{"attributes":{"x":{"type":"INTEGER","validate":{"isEmial":true}}}}}}'
schema_error 'models.user.attributes.x.validate: expected an object of validators' \
    '{"models":{"user":{"attributes":{"x":{"type":"INTEGER","validate":true}}}}}'
schema_error 'models.user.attributes.x.validate.max.msg: expected text' \
    '{"models":{"user":{"attributes":{"x":{"type":"INTEGER","validate":{"max":{"msg":3}}}}}}}'
schema_error 'models.user.options.validate.both: a model validator names a callback the program binds ("both": "callbackName")' \
    '{"models":{"user":{"options":{"validate":{"both":true}}}}}'
schema_error 'models.user.attributes.x: "type" is required' \
    '{"models":{"user":{"attributes":{"x":{"allowNull":false}}}}}'
schema_error 'models.user.attributes.x.allowNull: expected true or false' \
    '{"models":{"user":{"attributes":{"x":{"type":"TEXT","allowNull":"no"}}}}}'
schema_error 'models.user.attributes.x.references: "model" is required' \
    '{"models":{"user":{"attributes":{"x":{"type":"INTEGER","references":{"key":"id"}}}}}}'
schema_error 'models.user.attributes["a b"].defaultValue.$fn: expected "NOW" or "UUIDV4"' \
    '{"models":{"user":{"attributes":{"a b":{"type":"DATE","defaultValue":{"$fn":"TODAY"}}}}}}'
schema_error 'models.user.options.hooks: expected an object of hooks ({"beforeCreate": "name"})' \
    '{"models":{"user":{"options":{"hooks":true}}}}'
schema_error 'models.user.options.version: expected true or false' \
    '{"models":{"user":{"options":{"version":1}}}}'
schema_error 'models.user.options.deletedAt: false is not supported here; give a name' \
    '{"models":{"user":{"options":{"paranoid":true,"deletedAt":false}}}}'
schema_error 'models.user.scopes: unknown model key (expected attributes, options)' \
    '{"models":{"user":{"scopes":{}}}}'
schema_error 'version: unknown schema key (expected models, associations)' '{"models":{},"version":1}'
schema_error '"models" is required' '{}'
# --- associations (checked before anything is defined; library errors name the entry)
M='"models":{"user":{},"project":{}}'
schema_error 'associations[0].type: unknown association type "hasSome" (expected belongsTo, hasOne, hasMany or belongsToMany)' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"hasSome\",\"target\":\"project\"}]}"
schema_error 'associations[1].target: unknown model "company"' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"hasMany\",\"target\":\"project\"},{\"source\":\"user\",\"type\":\"belongsTo\",\"target\":\"company\"}]}"
schema_error 'associations[0].source: unknown model "usr"' \
    "{$M,\"associations\":[{\"source\":\"usr\",\"belongsTo\":\"project\"}]}"
schema_error 'associations[0]: "type" is required (belongsTo, hasOne, hasMany or belongsToMany)' \
    "{$M,\"associations\":[{\"source\":\"user\",\"target\":\"project\"}]}"
schema_error 'associations[0].options.through.sourceKey: unknown through option (expected model, unique, scope, paranoid)' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"belongsToMany\",\"target\":\"project\",\"options\":{\"through\":{\"model\":\"up\",\"sourceKey\":true}}}]}"
schema_error 'associations[0].options.otherKey: not an option of belongsTo' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"belongsTo\",\"target\":\"project\",\"options\":{\"otherKey\":\"x\"}}]}"
schema_error 'associations[0].options.as: both "singular" and "plural" are required' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"hasMany\",\"target\":\"project\",\"options\":{\"as\":{\"singular\":\"x\"}}}]}"
schema_error 'associations[0].options.onDelete: unknown action "zap" (expected RESTRICT, CASCADE, NO ACTION, SET DEFAULT or SET NULL)' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"hasMany\",\"target\":\"project\",\"options\":{\"onDelete\":\"zap\"}}]}"
schema_error 'associations[0].options.foreignKey.size: unknown key option (expected name, field, allowNull, type, defaultValue, onDelete, onUpdate, unique)' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"hasMany\",\"target\":\"project\",\"options\":{\"foreignKey\":{\"size\":1}}}]}"
# rejected by the library (spec associations.md section 9 texts), with the entry's path
schema_error 'associations[0]: user.belongsToMany(project) requires through option, pass either a string or a model' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"belongsToMany\",\"target\":\"project\"}]}"
schema_error "associations[0]: 'as' must be defined for many-to-many self-associations" \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"belongsToMany\",\"target\":\"user\",\"options\":{\"through\":\"friends\"}}]}"
schema_error 'associations[1]: You have used the alias boss in two separate associations. Aliased associations must have unique aliases.' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"belongsTo\",\"target\":\"user\",\"options\":{\"as\":\"boss\"}},{\"source\":\"user\",\"type\":\"hasOne\",\"target\":\"project\",\"options\":{\"as\":\"boss\"}}]}"
schema_error 'associations[0]: N:M associations are not supported with hasMany. Use belongsToMany instead' \
    "{$M,\"associations\":[{\"source\":\"user\",\"type\":\"hasMany\",\"target\":\"project\",\"options\":{\"through\":\"up\"}}]}"
printf '{"models": {\n  "user": {,}\n}}' >"$TMP/broken.json"
expect_error 2 "cequel: $TMP/broken.json:2:12: invalid JSON: string or '}' expected near ','" \
    describe --schema "$TMP/broken.json"
printf '{"models": {"a": {}, "a": {}}}' >"$TMP/dup.json"
expect_error 2 "cequel: $TMP/dup.json:1:24: invalid JSON: duplicate object key near '\"a\"'" \
    describe --schema "$TMP/dup.json"

# --- scripts (static checks: nothing runs)
S='"schema":{"models":{"user":{"attributes":{"name":"STRING"},"options":{"timestamps":false}}}}'
script_error 'steps[0]: unknown step "fndAll"' "{$S,\"steps\":[{\"fndAll\":\"user\"}]}"
script_error 'steps[0]: a step has one kind, got "create" and "findAll"' \
    "{$S,\"steps\":[{\"create\":\"user\",\"findAll\":\"user\"}]}"
script_error 'steps[1].findAll: unknown model "usr"' \
    "{$S,\"steps\":[{\"sync\":{}},{\"findAll\":\"usr\"}]}"
script_error 'steps[0].wher: unknown key for findAll' "{$S,\"steps\":[{\"findAll\":\"user\",\"wher\":{}}]}"
script_error 'steps[0].save: "$u1" is not defined by an earlier step'"'"'s "as"' \
    "{$S,\"steps\":[{\"save\":\"\$u1\"}]}"
script_error 'steps[1].values.name.$ref: "u9.name" is not defined by an earlier step'"'"'s "as"' \
    "{$S,\"steps\":[{\"sync\":{}},{\"create\":\"user\",\"values\":{\"name\":{\"\$ref\":\"u9.name\"}}}]}"
script_error 'steps[1].save: "$n" is a value, not an instance' \
    "{$S,\"steps\":[{\"count\":\"user\",\"as\":\"n\"},{\"save\":\"\$n\"}]}"
script_error 'steps[0]: "where" is required for destroy' "{$S,\"steps\":[{\"destroy\":\"user\"}]}"
script_error 'steps[0].limit: expected an integer >= 1' "{$S,\"steps\":[{\"findAll\":\"user\",\"limit\":0}]}"
script_error 'steps[0].order[0]: expected "attribute", ["attribute", "ASC" | "DESC"] or [association..., "attribute", "ASC" | "DESC"]' \
    "{$S,\"steps\":[{\"findAll\":\"user\",\"order\":[[\"name\",1]]}]}"
script_error 'steps[0].transaction: transaction "t1" is not begun by an earlier step' \
    "{$S,\"steps\":[{\"findAll\":\"user\",\"transaction\":\"t1\"}]}"
script_error 'steps[0].as: sync has no result to name' "{$S,\"steps\":[{\"sync\":{},\"as\":\"x\"}]}"
script_error 'steps: expected an array' "{$S,\"steps\":{}}"
script_error 'schema.models.user.attributes.name: unknown type "VARCHAR"' \
    '{"schema":{"models":{"user":{"attributes":{"name":"VARCHAR"}}}},"steps":[]}'

# --- association steps (static checks)
A="\"schema\":\"$INPUT/assoc.json\""
script_error 'steps[1].args[0]: "$p9" is not defined by an earlier step'"'"'s "as"' \
    "{$A,\"steps\":[{\"create\":\"project\",\"as\":\"p\"},{\"call\":\"addWorker\",\"on\":\"\$p\",\"args\":[\"\$p9\"]}]}"
script_error 'steps[1].args[0][1]: "$u2" is not defined by an earlier step'"'"'s "as"' \
    "{$A,\"steps\":[{\"create\":\"project\",\"as\":\"p\"},{\"call\":\"setWorkers\",\"on\":\"\$p\",\"args\":[[\"\$p\",\"\$u2\"]]}]}"
script_error 'steps[0].return.x.$ref: "nope" is not defined by an earlier step'"'"'s "as"' \
    "{$A,\"steps\":[{\"return\":{\"x\":{\"\$ref\":\"nope\"}}}]}"
script_error 'steps[0].include[1]: expected a model name, an alias or an object with "model", "as", "association" or "all"' \
    "{$A,\"steps\":[{\"findAll\":\"user\",\"include\":[\"project\",42]}]}"
script_error 'steps[0].include[0].duplicating: unknown include option (expected model, as, association, all, nested, where, required, attributes, include, separate, limit, order, through, paranoid)' \
    "{$A,\"steps\":[{\"findAll\":\"user\",\"include\":[{\"model\":\"project\",\"duplicating\":false}]}]}"
script_error 'steps[0].include: name the association: "model", "as", "association" or "all"' \
    "{$A,\"steps\":[{\"findAll\":\"user\",\"include\":{\"required\":true}}]}"
script_error 'steps[1]: "values" is required for set on an instance' \
    "{$A,\"steps\":[{\"create\":\"user\",\"as\":\"u\"},{\"set\":\"\$u\"}]}"
script_error 'steps[0].attempt.retry: unknown attempt option (expected message, error, errors)' \
    "{$A,\"steps\":[{\"count\":\"user\",\"attempt\":{\"retry\":1}}]}"
script_error 'steps[0].return.$this: $this is only allowed in "then"' \
    "{$A,\"steps\":[{\"return\":{\"\$this\":\"\"}}]}"
script_error 'steps[0].associate.type: unknown association type "ownsMany" (expected belongsTo, hasOne, hasMany or belongsToMany)' \
    "{$A,\"steps\":[{\"associate\":{\"source\":\"user\",\"type\":\"ownsMany\",\"target\":\"tag\"}}]}"
script_error 'steps[0].associate.target: unknown model "company"' \
    "{$A,\"steps\":[{\"associate\":{\"source\":\"user\",\"type\":\"belongsTo\",\"target\":\"company\"}}]}"
script_error 'steps[1].save: "$c" is a value, not an instance' \
    "{$A,\"steps\":[{\"create\":\"user\",\"attempt\":true,\"as\":\"c\"},{\"save\":\"\$c\"}]}"

# --- steps failing at run time: exit 1, the error line on stdout
printf '%s' "{$S,\"steps\":[{\"sync\":{}},{\"create\":\"user\",\"values\":{\"nam\":\"a\"}},{\"count\":\"user\"}]}" >"$TMP/bad_attr.json"
expect_run error_unknown_attr 1 run "$TMP/bad_attr.json"
printf '%s' "{$S,\"steps\":[{\"sync\":{}},{\"create\":\"user\",\"values\":{\"name\":\"a\"},\"as\":\"u1\"},{\"call\":\"getProjects\",\"on\":\"\$u1\",\"expectError\":true},{\"findOne\":\"user\",\"where\":{\"name\":\"x\"},\"as\":\"none\"},{\"update\":\"\$none\",\"values\":{\"name\":\"y\"}}]}" >"$TMP/call.json"
expect_run error_call 1 run "$TMP/call.json"
# a method the instance lacks (spec naming.md 6: user has getProjects, not getProject)
printf '%s' "{$A,\"steps\":[{\"sync\":{}},{\"create\":\"user\",\"as\":\"u\"},{\"call\":\"getProject\",\"on\":\"\$u\"}]}" >"$TMP/nomethod.json"
expect_run error_no_method 1 run "$TMP/nomethod.json"
[ "$(cat "$TMP/error_no_method.err")" = "cequel: steps[2]: CQ_EUNKNOWN_ASSOC: instance of model user has no method getProject" ] ||
    fail "error_no_method: stderr is: $(cat "$TMP/error_no_method.err")"
# an include the library rejects: the spec's message, exit 1
printf '%s' "{$A,\"steps\":[{\"sync\":{}},{\"findAll\":\"user\",\"include\":[\"team\"]}]}" >"$TMP/noassoc.json"
expect_run error_not_associated 1 run "$TMP/noassoc.json"
finish
