#!/usr/bin/env node
/*
 * Generates tests/data/inflection-words.tsv, the reference for cq_pluralize()/cq_singularize()
 * (tests/unit/test_naming.c reads it). Each line: word<TAB>pluralize(word)<TAB>singularize(word),
 * computed by the `inflection` package at the exact version Sequelize v6 uses (1.13.4).
 *
 * Usage (keep node_modules outside the repository):
 *   mkdir -p /tmp/inflect && (cd /tmp/inflect && npm install inflection@1.13.4)
 *   NODE_PATH=/tmp/inflect/node_modules node tools/gen-inflection-words.js \
 *       > tests/data/inflection-words.tsv
 *
 * The script refuses to run with any other version of the package. Words are ASCII, contain
 * no tab and no newline; order and duplicates are kept as written below (duplicates removed).
 */
'use strict';

const inflection = require('inflection');
const version = require('inflection/package.json').version;
if (version !== '1.13.4') {
  process.stderr.write(`inflection ${version} found, 1.13.4 required\n`);
  process.exit(1);
}

const words = [
  // regular nouns, singular and plural
  'user', 'users', 'project', 'projects', 'task', 'tasks', 'post', 'posts', 'comment', 'comments',
  'tag', 'tags', 'order', 'orders', 'product', 'products', 'invoice', 'invoices', 'account',
  'accounts', 'team', 'teams', 'player', 'players', 'book', 'books', 'author', 'authors', 'car',
  'cars', 'dog', 'dogs', 'cat', 'cats', 'table', 'tables', 'file', 'files', 'event', 'events',
  'price', 'prices', 'item', 'items', 'group', 'groups', 'role', 'roles', 'permission',
  'permissions', 'page', 'pages', 'image', 'images', 'note', 'notes', 'message', 'messages',
  'address', 'addresses', 'company', 'member', 'members', 'coach', 'coaches', 'city', 'cities',
  'country', 'countries', 'school', 'student', 'students', 'teacher', 'course', 'lesson',
  'human', 'humans', 'pizza', 'pizzas', 'banana', 'camera', 'idea', 'area', 'agenda', 'sofa',
  // -y
  'category', 'categories', 'query', 'queries', 'day', 'days', 'key', 'keys', 'boy', 'boys',
  'toy', 'guy', 'Guys', 'story', 'stories', 'party', 'parties', 'entry', 'entries', 'library',
  'libraries', 'activity', 'activities', 'journey', 'journeys', 'monkey', 'valley', 'soliloquy',
  'money', 'survey', 'surveys', 'reply', 'replies', 'property', 'properties', 'history',
  'strategy', 'policy', 'policies', 'ray', 'way', 'ways', 'y',
  // -f / -fe / -ves
  'leaf', 'leaves', 'half', 'halves', 'wolf', 'wolves', 'knife', 'knives', 'wife', 'wives',
  'life', 'lives', 'cafe', 'caves', 'cave', 'wave', 'waves', 'thief', 'thieves', 'staff',
  'staffs', 'roof', 'roofs', 'chief', 'chiefs', 'shelf', 'shelves', 'self', 'elf', 'calf',
  'scarf', 'scarves', 'dwarf', 'belief', 'beliefs', 'proof', 'safe', 'giraffe', 'giraffes',
  'hive', 'hives', 'archive', 'archives', 'curve', 'curves', 'valve', 'valves', 'sleeve',
  'sleeves', 'glove', 'gloves', 'drive', 'drives', 'olive', 'olives', 'motive', 'five', 'move',
  'moves', 'stove', 'cove',
  // -us / -is / -ix / -ex
  'status', 'statuses', 'userStatus', 'orderStatuses', 'bonus', 'bonuses', 'campus', 'campuses',
  'octopus', 'octopuses', 'octopi', 'virus', 'viruses', 'cactus', 'cacti', 'fungus', 'fungi',
  'radius', 'radii', 'stimulus', 'census', 'genus', 'genera', 'focus', 'bus', 'buses', 'plus',
  'analysis', 'analyses', 'Analyses', 'basis', 'bases', 'diagnosis', 'diagnoses', 'thesis',
  'theses', 'parenthesis', 'parentheses', 'prognosis', 'synopsis', 'synopses', 'crisis',
  'crises', 'axis', 'axes', 'testis', 'testes', 'tests', 'test', 'oasis', 'emphasis',
  'matrix', 'matrices', 'appendix', 'appendices', 'vertex', 'vertices', 'index', 'indices',
  'indexes', 'apex', 'codex', 'suffix', 'prefix', 'fix', 'alias', 'aliases', 'canvas',
  'canvases', 'summons', 'summonses', 'whereas', 'whereases', 'gas', 'gases', 'atlas', 'iris',
  // -ch / -sh / -x / -ss / -z
  'box', 'boxes', 'fox', 'tax', 'taxes', 'church', 'churches', 'match', 'matches', 'watch',
  'batch', 'batches', 'branch', 'dish', 'dishes', 'wish', 'brush', 'hash', 'hashes', 'class',
  'classes', 'boss', 'bosses', 'glass', 'kiss', 'process', 'processes', 'access', 'success',
  'quiz', 'quizzes', 'buzz', 'fizz', 'waltz', 'topaz', 'stomach', 'monarch', 'epoch',
  // -o
  'tomato', 'tomatoes', 'potato', 'potatoes', 'buffalo', 'buffaloes', 'hero', 'heroes', 'heros',
  'photo', 'photos', 'piano', 'pianos', 'echo', 'echoes', 'zero', 'video', 'videos', 'radio',
  'studio', 'shoe', 'shoes', 'toe', 'toes', 'volcano', 'memo', 'memos', 'todo', 'todos', 'go',
  // -um / -a / latin
  'datum', 'data', 'medium', 'media', 'quota', 'quotum', 'criterion', 'criteria', 'phenomenon',
  'phenomena', 'curriculum', 'curricula', 'stadium', 'stadia', 'bacterium', 'bacteria',
  'memorandum', 'forum', 'forums', 'album', 'albums', 'museum', 'premium', 'atrium', 'formula',
  'formulae', 'antenna', 'alumnus', 'alumni', 'schema', 'schemata', 'lemma', 'dilemma',
  // irregular
  'man', 'men', 'MEN', 'woman', 'women', 'Woman', 'person', 'people', 'Person', 'PERSON',
  'PEOPLE', 'child', 'children', 'Children', 'ox', 'oxen', 'OX', 'oxenfree', 'mouse', 'mice',
  'Louse', 'louse', 'lice', 'slice', 'police', 'foot', 'feet', 'tooth', 'teeth', 'Tooth',
  'Teeth', 'goose', 'geese', 'salesman', 'salesmen', 'chairman', 'fireman', 'human', 'german',
  'movie', 'movies', 'series', 'species', 'die', 'dice', 'database', 'databases', 'tie', 'ties',
  'cookie', 'cookies', 'zombie', 'zombies', 'calorie', 'pie', 'pies',
  // uncountable, and near-misses
  'news', 'userNews', 'equipment', 'information', 'rice', 'money', 'sheep', 'Sheep', 'SHEEP',
  'blackSheep', 'deer', 'fish', 'fishes', 'moose', 'art', 'water', 'wood', 'work', 'software',
  'hardware', 'furniture', 'luggage', 'research', 'advice', 'traffic', 'weather', 'music',
  'homework', 'knowledge', 'evidence', 'wildlife', 'jewelry', 'physics', 'mathematics',
  'measles', 'mumps', 'gallows', 'crossroads', 'linguine', 'pasta', 'aircraft', 'zinc',
  'ice', 'Ice', 'ICE', 'help', 'trust', 'lack', 'minus', 'chaos', 'oxygen', 'fun', 'flu',
  // model-style names: camelCase, PascalCase, snake_case, ALLCAPS, digits
  'userProject', 'userProjects', 'UserProject', 'UserProjects', 'user_project', 'user_projects',
  'item_tag', 'item_tags', 'worker_task', 'worker_tasks', 'pendingTags', 'pendingTag',
  'UserProfile', 'UserProfiles', 'userRole', 'UserRole', 'HomeTeam', 'AwayTeams', 'UserData',
  'userData', 'metaData', 'socialMedia', 'MediaFile', 'userMedia', 'orderStatus', 'jobStatus',
  'JobStatuses', 'userCategory', 'productCategories', 'UserAddress', 'UserAddresses',
  'teamMember', 'TeamMembers', 'blogPost', 'BlogPosts', 'userCompany', 'BusinessUnit',
  'HTTPRequest', 'HTTPRequests', 'XMLDocument', 'APIKey', 'APIKeys', 'USER', 'USERS', 'STATUS',
  'BOX', 'CATEGORY', 'QUERY', 'ADDRESS', 'CHILD', 'WOMAN', 'MOUSE', 'QUIZ', 'DATA', 'MEDIA',
  'user2', 'users2', 'v2Users', 'log_entry', 'log_entries', 'audit_log', 'audit_logs',
  'access_token', 'refresh_tokens', 'userSheep', 'userNewsItem', 'personPeople', 'ManPower',
  'superman', 'Superwoman', 'userChild', 'userChildren', 'Datum', 'userQuiz', 'oxygenTank',
  // short and odd inputs
  '', 's', 'S', 'a', 'is', 'es', 'ss', 'ies', 'ves', 'x', 'I', 'A', 'ab', 'abc', 'us', 'um',
  '_', 'a_b', 'a-b', 'a b', '123', 'item1', 'items1',
];

const seen = new Set();
for (const w of words) {
  if (seen.has(w)) continue;
  seen.add(w);
  if (/[\t\n\r]/.test(w)) throw new Error(`bad word ${JSON.stringify(w)}`);
  process.stdout.write(`${w}\t${inflection.pluralize(w)}\t${inflection.singularize(w)}\n`);
}
