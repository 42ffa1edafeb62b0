/*
 * Data tables for cq_pluralize() / cq_singularize(): a transcription of the rule lists of the
 * `inflection` npm package, version 1.13.4 (lib/inflection.js: `plural_rules`,
 * `singular_rules`, `uncountable_words`), which Sequelize v6 calls through Utils.pluralize /
 * Utils.singularize. Order is priority order: the first matching rule wins (naming.md 1.1).
 *
 * Pattern syntax (interpreted by src/naming/inflection.c, always case-insensitive):
 * literal ASCII letters, `^`, `$`, groups `(a|b)` (nestable, numbered by their `(`),
 * classes `[..]` and `[^..]` holding literal characters only (`[m|l]` contains `|`).
 * A NULL replacement marks a guard: a match returns the word unchanged.
 * Replacements are literal text plus `$1`..`$9`.
 */
#include "naming/naming.h"

/* naming.md 1.2. P1..P32 are guards ("already plural"), P33..P61 transforms. */
const cq__naming_rule cq__naming_plural_rules[] = {
    { "^(m|wom)en$", NULL },                                                   /* P1 */
    { "(pe)ople$", NULL },                                                     /* P2 */
    { "(child)ren$", NULL },                                                   /* P3 */
    { "([ti])a$", NULL },                                                      /* P4 */
    { "((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$", NULL }, /* P5 */
    { "(database)s$", NULL },                                                  /* P6 */
    { "(drive)s$", NULL },                                                     /* P7 */
    { "(hi|ti)ves$", NULL },                                                   /* P8 */
    { "(curve)s$", NULL },                                                     /* P9 */
    { "([lr])ves$", NULL },                                                    /* P10 */
    { "([^fo])ves$", NULL },                                                   /* P11 */
    { "([^aeiouy]|qu)ies$", NULL },                                            /* P12 */
    { "(s)eries$", NULL },                                                     /* P13 */
    { "(m)ovies$", NULL },                                                     /* P14 */
    { "(x|ch|ss|sh)es$", NULL },                                               /* P15 */
    { "([m|l])ice$", NULL },                                                   /* P16 */
    { "(bus)es$", NULL },                                                      /* P17 */
    { "(o)es$", NULL },                                                        /* P18 */
    { "(shoe)s$", NULL },                                                      /* P19 */
    { "(cris|ax|test)es$", NULL },                                             /* P20 */
    { "(octop|vir)uses$", NULL },                                              /* P21 */
    { "(alias|canvas|status|campus)es$", NULL },                               /* P22 */
    { "^(summons|bonus)es$", NULL },                                           /* P23 */
    { "^(ox)en", NULL },                                                       /* P24 */
    { "(matr)ices$", NULL },                                                   /* P25 */
    { "^feet$", NULL },                                                        /* P26 */
    { "^teeth$", NULL },                                                       /* P27 */
    { "^geese$", NULL },                                                       /* P28 */
    { "(quiz)zes$", NULL },                                                    /* P29 */
    { "^(whereas)es$", NULL },                                                 /* P30 */
    { "^(criteri)a$", NULL },                                                  /* P31 */
    { "^genera$", NULL },                                                      /* P32 */
    { "^(m|wom)an$", "$1en" },                                                 /* P33 */
    { "(pe)rson$", "$1ople" },                                                 /* P34 */
    { "(child)$", "$1ren" },                                                   /* P35 */
    { "(drive)$", "$1s" },                                                     /* P36 */
    { "^(ox)$", "$1en" },                                                      /* P37 */
    { "(ax|test)is$", "$1es" },                                                /* P38 */
    { "(octop|vir)us$", "$1uses" },                                            /* P39 */
    { "(alias|status|canvas|campus)$", "$1es" },                               /* P40 */
    { "^(summons|bonus)$", "$1es" },                                           /* P41 */
    { "(bu)s$", "$1ses" },                                                     /* P42 */
    { "(buffal|tomat|potat)o$", "$1oes" },                                     /* P43 */
    { "([ti])um$", "$1a" },                                                    /* P44 */
    { "sis$", "ses" },                                                         /* P45 */
    /* The library has one rule `(?:([^f])fe|([lr])f)$` -> `$1$2ves`; the two alternatives
     * cannot both match a word, so two rules in a row are equivalent (naming.md P46). */
    { "([^f])fe$", "$1ves" },        /* P46a */
    { "([lr])f$", "$1ves" },         /* P46b */
    { "(hi|ti)ve$", "$1ves" },       /* P47 */
    { "([^aeiouy]|qu)y$", "$1ies" }, /* P48 */
    { "(matr)ix$", "$1ices" },       /* P49 */
    { "(vert|ind)ex$", "$1ices" },   /* P50 */
    { "(x|ch|ss|sh)$", "$1es" },     /* P51 */
    { "([m|l])ouse$", "$1ice" },     /* P52 */
    { "^foot$", "feet" },            /* P53 */
    { "^tooth$", "teeth" },          /* P54 */
    { "^goose$", "geese" },          /* P55 */
    { "(quiz)$", "$1zes" },          /* P56 */
    { "^(whereas)$", "$1es" },       /* P57 */
    { "^(criteri)on$", "$1a" },      /* P58 */
    { "^genus$", "genera" },         /* P59 */
    { "s$", "s" },                   /* P60 */
    { "$", "s" },                    /* P61 */
};
const size_t cq__naming_plural_rule_count =
    sizeof cq__naming_plural_rules / sizeof cq__naming_plural_rules[0];

/* naming.md 1.3. S1..S26 are guards ("already singular"), S27..S62 transforms. */
const cq__naming_rule cq__naming_singular_rules[] = {
    { "^(m|wom)an$", NULL },                   /* S1 */
    { "(pe)rson$", NULL },                     /* S2 */
    { "(child)$", NULL },                      /* S3 */
    { "(drive)$", NULL },                      /* S4 */
    { "^(ox)$", NULL },                        /* S5 */
    { "(ax|test)is$", NULL },                  /* S6 */
    { "(octop|vir)us$", NULL },                /* S7 */
    { "(alias|status|canvas|campus)$", NULL }, /* S8 */
    { "^(summons|bonus)$", NULL },             /* S9 */
    { "(bu)s$", NULL },                        /* S10 */
    { "(buffal|tomat|potat)o$", NULL },        /* S11 */
    { "([ti])um$", NULL },                     /* S12 */
    { "sis$", NULL },                          /* S13 */
    { "([^f])fe$", NULL },                     /* S14 */
    { "([lr])f$", NULL },                      /* S14 */
    { "(hi|ti)ve$", NULL },                    /* S15 */
    { "([^aeiouy]|qu)y$", NULL },              /* S16 */
    { "(x|ch|ss|sh)$", NULL },                 /* S17 */
    { "(matr)ix$", NULL },                     /* S18 */
    { "([m|l])ouse$", NULL },                  /* S19 */
    { "^foot$", NULL },                        /* S20 */
    { "^tooth$", NULL },                       /* S21 */
    { "^goose$", NULL },                       /* S22 */
    { "(quiz)$", NULL },                       /* S23 */
    { "^(whereas)$", NULL },                   /* S24 */
    { "^(criteri)on$", NULL },                 /* S25 */
    { "^genus$", NULL },                       /* S26 */
    { "^(m|wom)en$", "$1an" },                 /* S27 */
    { "(pe)ople$", "$1rson" },                 /* S28 */
    { "(child)ren$", "$1" },                   /* S29 */
    { "(database)s$", "$1" },                  /* S30 */
    { "(drive)s$", "$1" },                     /* S31 */
    { "^genera$", "genus" },                   /* S32 */
    { "^(criteri)a$", "$1on" },                /* S33 */
    { "([ti])a$", "$1um" },                    /* S34 */
    /* $2 is the inner `(a)`, set only for "analy": analyses -> analyasis, as in the library. */
    { "((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$", "$1$2sis" }, /* S35 */
    { "(hi|ti)ves$", "$1ve" },                                                      /* S36 */
    { "(curve)s$", "$1" },                                                          /* S37 */
    { "([lr])ves$", "$1f" },                                                        /* S38 */
    { "([a])ves$", "$1ve" },                                                        /* S39 */
    { "([^fo])ves$", "$1fe" },                                                      /* S40 */
    { "(m)ovies$", "$1ovie" },                                                      /* S41 */
    { "([^aeiouy]|qu)ies$", "$1y" },                                                /* S42 */
    { "(s)eries$", "$1eries" },                                                     /* S43 */
    { "(x|ch|ss|sh)es$", "$1" },                                                    /* S44 */
    { "([m|l])ice$", "$1ouse" },                                                    /* S45 */
    { "(bus)es$", "$1" },                                                           /* S46 */
    { "(o)es$", "$1" },                                                             /* S47 */
    { "(shoe)s$", "$1" },                                                           /* S48 */
    { "(cris|ax|test)es$", "$1is" },                                                /* S49 */
    { "(octop|vir)uses$", "$1us" },                                                 /* S50 */
    { "(alias|canvas|status|campus)es$", "$1" },                                    /* S51 */
    { "^(summons|bonus)es$", "$1" },                                                /* S52 */
    { "^(ox)en", "$1" },                                                            /* S53 */
    { "(matr)ices$", "$1ix" },                                                      /* S54 */
    { "(vert|ind)ices$", "$1ex" },                                                  /* S55 */
    { "^feet$", "foot" },                                                           /* S56 */
    { "^teeth$", "tooth" },                                                         /* S57 */
    { "^geese$", "goose" },                                                         /* S58 */
    { "(quiz)zes$", "$1" },                                                         /* S59 */
    { "^(whereas)es$", "$1" },                                                      /* S60 */
    { "ss$", "ss" },                                                                /* S61 */
    { "s$", "" },                                                                   /* S62 */
};
const size_t cq__naming_singular_rule_count =
    sizeof cq__naming_singular_rules / sizeof cq__naming_singular_rules[0];

/* naming.md 1.4: the 202 uncountable words, lower case, in the library's order. */
/* clang-format off */
const char *const cq__naming_uncountables[] = {
    "accommodation", "adulthood", "advertising", "advice", "aggression", "aid", "air", "aircraft",
    "alcohol", "anger", "applause", "arithmetic", "assistance", "athletics", "bacon", "baggage",
    "beef", "biology", "blood", "botany", "bread", "butter", "carbon", "cardboard", "cash",
    "chalk", "chaos", "chess", "crossroads", "countryside", "dancing", "deer", "dignity", "dirt",
    "dust", "economics", "education", "electricity", "engineering", "enjoyment", "envy",
    "equipment", "ethics", "evidence", "evolution", "fame", "fiction", "flour", "flu", "food",
    "fuel", "fun", "furniture", "gallows", "garbage", "garlic", "genetics", "gold", "golf",
    "gossip", "gratitude", "grief", "guilt", "gymnastics", "happiness", "hardware", "harm", "hate",
    "hatred", "health", "heat", "help", "homework", "honesty", "honey", "hospitality", "housework",
    "humour", "hunger", "hydrogen", "ice", "importance", "inflation", "information", "innocence",
    "iron", "irony", "jam", "jewelry", "judo", "karate", "knowledge", "lack", "laughter", "lava",
    "leather", "leisure", "lightning", "linguine", "linguini", "linguistics", "literature",
    "litter", "livestock", "logic", "loneliness", "luck", "luggage", "macaroni", "machinery",
    "magic", "management", "mankind", "marble", "mathematics", "mayonnaise", "measles", "methane",
    "milk", "minus", "money", "mud", "music", "mumps", "nature", "news", "nitrogen", "nonsense",
    "nurture", "nutrition", "obedience", "obesity", "oxygen", "pasta", "patience", "physics",
    "poetry", "pollution", "poverty", "pride", "psychology", "publicity", "punctuation", "quartz",
    "racism", "relaxation", "reliability", "research", "respect", "revenge", "rice", "rubbish",
    "rum", "safety", "scenery", "seafood", "seaside", "series", "shame", "sheep", "shopping",
    "sleep", "smoke", "smoking", "snow", "soap", "software", "soil", "spaghetti", "species",
    "steam", "stuff", "stupidity", "sunshine", "symmetry", "tennis", "thirst", "thunder", "timber",
    "traffic", "transportation", "trust", "underwear", "unemployment", "unity", "validity", "veal",
    "vegetation", "vegetarianism", "vengeance", "violence", "vitality", "warmth", "wealth",
    "weather", "welfare", "wheat", "wildlife", "wisdom", "yoga", "zinc", "zoology",
};
/* clang-format on */
const size_t cq__naming_uncountable_count =
    sizeof cq__naming_uncountables / sizeof cq__naming_uncountables[0];
