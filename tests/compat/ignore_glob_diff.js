#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Differential test of the GLOB ignore strategy against aws-cdk-lib's
// GlobIgnoreStrategy (minimatch 10.2.6, matchBase + flipNegate).
//
// usage: node ignore_glob_diff.js <ecra_ignore_driver> [seed] [cases]
//        (or SEED / CASES in the environment)
//
// Random pattern lists (negations, **, anchors, trailing slashes, classes,
// POSIX classes, braces and sequences, extglobs, escapes, dots, unicode,
// case variants) are matched against random relative paths. A pattern
// list that makes the reference throw must be rejected by the C side.
'use strict';

const { spawnSync } = require('child_process');
const path = require('path');

const driver = process.argv[2];
if (!driver) {
  console.error('usage: ignore_glob_diff.js <driver> [seed] [cases]');
  process.exit(2);
}
const seed = Number(process.argv[3] || process.env.SEED || 20261126);
const ncases = Number(process.argv[4] || process.env.CASES || 300);
const QUERIES = 20;

const ignore = require(path.join(__dirname,
  'node_modules/aws-cdk-lib/core/lib/fs/ignore.js'));

// mulberry32
let state = seed >>> 0;
function rnd() {
  state = (state + 0x6D2B79F5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

// Names shared by paths and patterns so that matches are frequent.
const NAMES = ['a', 'b', 'c', 'ab', 'ba', 'aab', 'abc', 'foo', 'bar', 'x.js',
  'y.ts', 'a.js', 'A.JS', 'b.txt', 'B.TXT', '.env', '.hidden', '.git',
  'node_modules', 'cdk.out', '1', '2', '10', '01', 'é', 'É', '😀', 'a😀', '😀b',
  'ä.js', '#c', '!x', '(a)', 'a+b', '[x]', 'a b', ' x ', 'x\\y', '*', '{a,b}',
  'a.b.c', '..x', '...', 'keep.log', 'x.log', 'a-b', 'a,b', 'a|b', 'Ab',
  'aB', 'ß', 'ǅ', '٣', '\u00a0', 'x\u2028y', 'é😀', '@(a)', '$x', 'x}',
  '\ue001', '😁', '😂a', '\u2003', '\t', 'Ⅻ', '_', '\u00ad'];

const TOKENS = [
  // literals
  'a', 'b', 'c', 'foo', 'x', '.js', 'js', '.', '..', 'node_modules', 'é',
  '😀', 'A', 'B', 'log', '1', '0', '-', ',', ' ', '$', '}', '{', ')', '(',
  '|', ']', '#', '!', '+', '@',
  // wildcards
  '*', '*', '**', '?', '??', '*.js', '.*', '*.*', '*.txt', '*.TXT', '?.js',
  // classes
  '[abc]', '[!a]', '[^a]', '[a-c]', '[c-a]', '[[:alpha:]]', '[[:digit:]]',
  '[[:alnum:]]', '[[:upper:]]', '[[:lower:]]', '[[:space:]]', '[[:punct:]]',
  '[[:word:]]', '[[:xdigit:]]', '[[:ascii:]]', '[[:graph:]]', '[[:print:]]',
  '[[:blank:]]', '[[:cntrl:]]', '[]]', '[a-]', '[\\]]', '[x', '[!]', '[.]',
  '[*]', '[a-[:alpha:]]', '[😀]', '[é-ë]', '[^/]', '[\\-]', '[!.]', '[][]',
  '[^[:alpha:]]', '[![:graph:]a]', '[[:graph:]a]', '[a[:graph:]]',
  '[😀-😂[:alpha:]]', '[😀-\ue000[:alpha:]]', '[\ue000-\uffff[:digit:]]',
  '[😀-😂]', '[[:alpha:][:digit:]]', '[[:alpha:]-z]', '[x-[:alpha:]]',
  '[[.a.]]', '[[=a=]]', '[[:foo:]]',
  // braces
  '{a,b}', '{1..3}', '{a..c}', '{,a}', '{a}', '{x,{y,z}}', '{01..3}',
  '${a,b}', '{a},b}', '{a,b}{c,}', '{3..1}', '{1..10..3}', '{c..a..2}',
  '{,}', '{a,\\,}', '{a..}', '{Z..a}', '{-1..1}', '{}',
  // extglobs
  '+(a|b)', '@(a|b)', '!(a|b)', '?(a|b)', '*(a|b)', '!()', '+(a|.b)',
  '@()', '!(*.js)', '*(a|+(b|c))', '+(a)', '@(.*)', '!(a)*', '*(?)',
  '!(!(a))', '?(*)', '@(a|)', '+(*)', '@(x|!(y))', '+(a|@(b|c))', '!(.a)',
  '*(.)', '@(a', '+(', '?()',
  // escapes
  '\\*', '\\#', '\\!', '\\\\', '\\{', '\\a', '\\|', '\\[', '\\.', '\\?',
  '\\-', '\\ ', '\\',
];

function segment() {
  let s = '';
  const n = int(1, 3);
  for (let i = 0; i < n; i++)
    s += chance(0.35) ? pick(NAMES) : pick(TOKENS);
  return s;
}

function pattern() {
  let p = '';
  const nseg = pick([1, 1, 1, 2, 2, 3, 4]);
  const segs = [];
  for (let i = 0; i < nseg; i++)
    segs.push(chance(0.15) ? pick(['**', '*', '.', '..', '']) : segment());
  p = segs.join('/');
  const r = rnd();
  if (r < 0.05) p = '/' + p;
  else if (r < 0.1) p = './' + p;
  else if (r < 0.13) p = '../' + p;
  if (chance(0.07)) p += '/';
  if (chance(0.04)) p = '#' + p;
  if (chance(0.25)) p = '!'.repeat(pick([1, 1, 1, 2, 3])) + p;
  if (chance(0.02)) p = '';
  if (chance(0.02)) p = pick(['*', '**', '!', '#', '.*', '*.js', '!*.js']);
  return p;
}

// Character soup: short random strings over the glob syntax, to reach
// parser corners the token grammar above does not.
const SOUP = 'ab.*?[]!^-{},()|+@\\/:#$ é😀1'.match(/./gu).concat(
  ['[:alpha:]', '[:digit:]', '**', '..', 'a', 'b', '.', '/']);
const PSOUP = 'ab.-é😀1 ()[]{}|+@!#,\\'.match(/./gu);

function soupPattern() {
  let p = '';
  const n = int(1, 14);
  for (let i = 0; i < n; i++) p += pick(SOUP);
  return p;
}

function soupPath() {
  const segs = [];
  const n = pick([1, 1, 2, 3]);
  for (let i = 0; i < n; i++) {
    let s = '';
    const m = int(1, 5);
    for (let k = 0; k < m; k++) s += pick(PSOUP);
    segs.push(s);
  }
  return segs.join('/');
}

// Paths for globstar-heavy patterns: a/b/c chains with dot segments.
function chainPath() {
  const n = int(1, 7);
  const segs = [];
  for (let i = 0; i < n; i++) segs.push(pick(['a', 'b', 'c', 'x', '.d', 'ab']));
  return segs.join('/');
}

function chainPattern() {
  const n = int(1, 6);
  const segs = [];
  for (let i = 0; i < n; i++)
    segs.push(pick(['**', '**', 'a', 'b', 'c', '*', '?', '.d', '.*', 'a*',
      '{a,b}', '!(a)', '+(a|b)']));
  return (chance(0.2) ? '!' : '') + segs.join('/');
}

function relpath() {
  const n = pick([1, 1, 2, 2, 3, 4]);
  const segs = [];
  for (let i = 0; i < n; i++) segs.push(pick(NAMES));
  return segs.join('/');
}

const root = '/root-x';
const cases = [];
const expected = [];
let hits = 0;
for (let c = 0; c < ncases; c++) {
  const npat = pick([1, 1, 2, 2, 3, 4, 6]);
  const kind = c % 4; // 0, 1: tokens; 2: soup; 3: globstar chains
  const gen = kind === 2 ? soupPattern : kind === 3 ? chainPattern : pattern;
  const pgen = kind === 2 ? soupPath : kind === 3 ? chainPath : relpath;
  const patterns = [];
  for (let i = 0; i < npat; i++) patterns.push(gen());
  const queries = [];
  for (let q = 0; q < QUERIES; q++) queries.push([pgen(), chance(0.3)]);
  // Paths built from real names of the pattern, for more hits.
  for (let q = 0; q < 4; q++) {
    const p = pick(patterns).replace(/^!+/, '').replace(/^\/+/, '');
    const segs = p.split('/').filter((s) => s && s !== '.' && s !== '..');
    if (segs.length) queries.push([segs.join('/'), false]);
  }
  let exp;
  try {
    const s = ignore.IgnoreStrategy.glob(root, patterns.slice());
    exp = queries.map(([rel, dir]) => {
      const abs = root + '/' + rel;
      // only normalised relative paths are meaningful queries
      if (path.relative(root, abs) !== rel) return null;
      return dir ? s.completelyIgnores(abs) : s.ignores(abs);
    });
  } catch (e) {
    exp = { error: String(e && e.message) };
  }
  cases.push({ mode: 'glob', patterns, queries });
  expected.push(exp);
}

const res = spawnSync(driver, [], {
  input: JSON.stringify(cases),
  maxBuffer: 1 << 28,
  encoding: 'utf8',
});
if (res.status !== 0) {
  console.error('driver failed:', res.status, res.signal, res.stderr);
  process.exit(1);
}
const got = JSON.parse(res.stdout);
if (process.env.DUMP) {
  require('fs').writeFileSync(process.env.DUMP, JSON.stringify(cases));
}
let queries = 0, mismatches = 0, throwing = 0;
for (let c = 0; c < cases.length; c++) {
  const e = expected[c], g = got[c];
  if (!Array.isArray(e)) {
    throwing++;
    queries += cases[c].queries.length;
    if (Array.isArray(g)) {
      mismatches++;
      if (mismatches <= 20)
        console.log('MISMATCH (reference throws: ' + e.error + ')',
          JSON.stringify(cases[c].patterns), '-> C accepted');
    }
    continue;
  }
  if (!Array.isArray(g)) {
    mismatches++;
    if (mismatches <= 20)
      console.log('MISMATCH (C rejected: ' + g.error + ')',
        JSON.stringify(cases[c].patterns));
    continue;
  }
  let shown = 0;
  for (let q = 0; q < e.length; q++) {
    if (e[q] === null) continue;
    queries++;
    if (e[q]) hits++;
    if (e[q] !== g[q]) {
      mismatches++;
      if (mismatches <= 200 && shown++ < 2)
        console.log('MISMATCH patterns=' + JSON.stringify(cases[c].patterns) +
          ' path=' + JSON.stringify(cases[c].queries[q][0]) +
          (cases[c].queries[q][1] ? ' (dir)' : '') +
          ' reference=' + e[q] + ' c=' + JSON.stringify(g[q]));
    }
  }
}
console.log(`seed ${seed}: ${cases.length} pattern lists (${throwing} rejected ` +
  `by the reference), ${queries} queries (${hits} excluded), ` +
  `${mismatches} mismatches`);
process.exit(mismatches ? 1 : 0);
