#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/copy_diff.js - random differential test of
// ecra_fingerprint_copy_directory() against aws-cdk-lib 2.276.0's
// copyDirectory() (asset staging).
//
//   node copy_diff.js --driver build/tests/ecra_copy_driver [--seed S]
//        [--cases N] [--keep]
//
// Each case is a random tree (files with random modes, empty and nested
// directories, internal/external/absolute/dangling/looping links, a
// FIFO), copied by both sides in every follow mode with a random exclude
// list in a random ignore mode. The resulting trees must be identical:
// the same entries, types, modes, link texts and file bytes; or both
// sides must fail (BLOCK_EXTERNAL).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const LIB = path.join(__dirname, 'node_modules/aws-cdk-lib/core/lib/fs');
const { copyDirectory } = require(path.join(LIB, 'copy.js'));

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const driver = path.resolve(opt('--driver', 'build/tests/ecra_copy_driver'));
let seed = Number(opt('--seed', '20261127'));
const cases = Number(opt('--cases', '60'));
const keep = args.includes('--keep');

function rand() { // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const NAMES = ['a', 'b', 'x.txt', 'y.log', '.hidden', 'node_modules', 'sub',
  'deep', 'Z', '\u00e9', 'a b', 'k.js'];
const MODES = [0o644, 0o600, 0o755, 0o700, 0o444];
const PATTERNS = {
  glob: ['*.log', 'sub', '!sub/x.txt', '.*', '**/b', 'deep/**', '*.txt', 'a'],
  git: ['*.log', 'sub/', '!x.txt', 'deep', '/a', '**/b', '*.TXT'],
  docker: ['*.log', 'sub', '!sub/x.txt', 'deep/*', '**/*.js', 'a', '!a/b'],
};

// <case>/tree/{root,ext}: a link to ".." leaves root but stays in tree
// (the copies go to <case>/node-*, <case>/ecra-*, outside of it).
function buildTree(caseDir) {
  const dir = path.join(caseDir, 'tree');
  const root = path.join(dir, 'root');
  const ext = path.join(dir, 'ext');
  fs.mkdirSync(path.join(ext, 'edir'), { recursive: true });
  fs.writeFileSync(path.join(ext, 'e.txt'), 'ext\n');
  fs.writeFileSync(path.join(ext, 'edir/inner.txt'), 'inner\n');
  const dirs = [''];
  const files = [];
  fs.mkdirSync(root);
  const n = 4 + Math.floor(rand() * 14);
  for (let i = 0; i < n; i++) {
    const parent = pick(dirs);
    const rel = path.join(parent, pick(NAMES));
    const abs = path.join(root, rel);
    if (fs.existsSync(abs) || lexists(abs)) continue;
    const r = rand();
    if (r < 0.3 && rel.split('/').length < 4) {
      fs.mkdirSync(abs);
      dirs.push(rel);
    } else if (r < 0.75) {
      fs.writeFileSync(abs, `${rel}\r\n`.repeat(1 + Math.floor(rand() * 3)));
      fs.chmodSync(abs, pick(MODES));
      files.push(rel);
    } else {
      const from = path.dirname(abs);
      const targets = [
        () => path.relative(from, path.join(root, pick(files.concat(dirs)) || '.')) || '.',
        () => path.join(root, pick(files.concat(dirs))),
        () => path.relative(from, path.join(ext, pick(['e.txt', 'edir']))),
        () => path.join(ext, 'edir'),
        () => 'missing-' + i,
        () => '.',
        () => '..',
        () => './' + path.basename(rel) + '/../' + (pick(files) || 'x'),
      ];
      fs.symlinkSync(pick(targets)(), abs);
    }
  }
  if (rand() < 0.3) spawnSync('mkfifo', [path.join(root, 'fifo')]);
  return root;
}

function lexists(p) {
  try { fs.lstatSync(p); return true; } catch { return false; }
}

function listing(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const name of fs.readdirSync(d).sort()) {
      const abs = path.join(d, name);
      const r = rel ? rel + '/' + name : name;
      const st = fs.lstatSync(abs);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.push(`${r} l ${fs.readlinkSync(abs)}`);
      else if (st.isDirectory()) { out.push(`${r} d ${mode}`); walk(abs, r); }
      else out.push(`${r} f ${mode} ${fs.readFileSync(abs).toString('hex')}`);
    }
  };
  walk(dir, '');
  return out.join('\n');
}

const top = fs.mkdtempSync(path.join(os.tmpdir(), 'ecra-copydiff-'));
let pass = 0, fail = 0, bothFail = 0;
for (let c = 0; c < cases; c++) {
  const dir = path.join(top, `c${c}`);
  fs.mkdirSync(dir);
  const root = buildTree(dir);
  const mode = pick(['glob', 'git', 'docker']);
  const exclude = PATTERNS[mode].filter(() => rand() < 0.25);
  for (const follow of ['never', 'external', 'always', 'internal-only']) {
    const a = path.join(dir, `node-${follow}`);
    const b = path.join(dir, `ecra-${follow}`);
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    let nodeErr = null;
    try {
      copyDirectory(root, a, { follow, ignoreMode: mode, exclude: exclude.slice() });
    } catch (e) { nodeErr = e.message; }
    const r = spawnSync(driver, [root, b, follow, mode, ...exclude], { encoding: 'utf8' });
    const ourErr = r.status === 1 ? r.stdout.replace(/^error: /, '').trim() : null;
    if (r.status !== 0 && r.status !== 1) {
      console.log(`case ${c} ${follow}: driver exit ${r.status} ${r.stderr}`);
      fail++;
      continue;
    }
    let ok;
    if (nodeErr || ourErr) ok = !!nodeErr && !!ourErr && nodeErr === ourErr;
    else ok = listing(a) === listing(b);
    if (ok) { pass++; if (nodeErr) bothFail++; }
    else {
      fail++;
      console.log(`MISMATCH case ${c} follow=${follow} mode=${mode} exclude=${JSON.stringify(exclude)}`);
      console.log(`  node: ${nodeErr || listing(a).replace(/\n/g, '\n        ')}`);
      console.log(`  ecra: ${ourErr || listing(b).replace(/\n/g, '\n        ')}`);
    }
  }
}
if (!keep) fs.rmSync(top, { recursive: true, force: true });
else console.log(`trees kept in ${top}`);
console.log(`copy_diff: ${pass} match (${bothFail} both fail), ${fail} mismatch`);
process.exit(fail === 0 && pass > 0 ? 0 : 1);
