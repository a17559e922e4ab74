#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/fpcache_stale.js - the warm fingerprint cache against
// aws-cdk-lib 2.276.0 on the edit its own cache misses.
//
//   fpcache_stale.js --cli BUILD/ecr-assets
//
// A context is hashed by both tools with their disk caches on (aws-cdk-lib:
// ~/.cdk/cache/fingerprints keyed by inode|mtimeMs|size; ecr-assets:
// $XDG_CACHE_HOME/ecr-assets). Then a file is rewritten with other bytes
// of the same length and its mtime put back (`touch -r`, as `cp -p`,
// `tar x` or `rsync -t` leave it), and also after a plain edit, a new and
// a deleted file, the hashes are compared:
//   - ecr-assets warm must equal aws-cdk-lib cold (its cache disabled);
//   - aws-cdk-lib warm is printed: after the size-and-mtime edit it gives
//     the old, stale hash (the reason our key holds the ctime).
// Exit 0 when every ecr-assets hash equals the cold reference.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

function arg(name) {
	const i = process.argv.indexOf(name);
	return i > 0 ? process.argv[i + 1] : undefined;
}

const cli = arg('--cli');
if (!cli) {
	process.stderr.write('usage: fpcache_stale.js --cli ECR-ASSETS\n');
	process.exit(2);
}
const modules = path.join(__dirname, 'node_modules');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecra-fpcache-'));
const ctx = path.join(tmp, 'ctx');
const cdkHome = path.join(tmp, 'cdk-home');
const xdg = path.join(tmp, 'xdg');
fs.mkdirSync(cdkHome);

// aws-cdk-lib in a child: its cache directory is fixed from HOME when the
// module loads, so warm (HOME with a cache) and cold (HOME that cannot
// hold one) are separate processes.
function cdkHash(warm) {
	const code = `const {FileSystem, IgnoreMode} = require(${JSON.stringify(
	    path.join(modules, 'aws-cdk-lib'))});
process.stdout.write(FileSystem.fingerprint(${JSON.stringify(ctx)},
    {exclude: ['*.log'], ignoreMode: IgnoreMode.DOCKER}));`;
	const env = Object.assign({}, process.env, {
		HOME: warm ? cdkHome : '/dev/null/ecra-no-fingerprint-cache',
	});
	return cp.execFileSync(process.execPath, ['-e', code], { env }).toString();
}

function ecraHash(warm) {
	const env = Object.assign({}, process.env, { XDG_CACHE_HOME: xdg });
	delete env.ECRA_NO_CACHE;
	const args = ['hash', '-v', '--ignore-mode', 'docker', '-e', '*.log', ctx];
	if (!warm)
		args.splice(1, 0, '--no-cache');
	const r = cp.spawnSync(cli, args, { env });
	if (r.status !== 0) {
		process.stderr.write(r.stderr.toString());
		process.exit(1);
	}
	return { hash: r.stdout.toString().trim(), note: r.stderr.toString().trim() };
}

function sleep(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

for (let i = 0; i < 30; i++) {
	const d = path.join(ctx, `pkg${i % 3}`);
	fs.mkdirSync(d, { recursive: true });
	fs.writeFileSync(path.join(d, `f${i}.js`), `module.exports = ${i};\n`);
}
fs.writeFileSync(path.join(ctx, 'a.log'), 'log\n');
fs.writeFileSync(path.join(ctx, 'app.js'), 'console.log("v1");\n');
// Files this fresh are "racy" for ecr-assets (not trusted until a run
// starts 2 s after them); wait so the warm runs below use the cache.
sleep(2200);

let failures = 0;
function step(what) {
	const cold = cdkHash(false);
	const cdkWarm = cdkHash(true);
	const ours = ecraHash(true);
	const ok = ours.hash === cold;
	if (!ok)
		failures++;
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
	console.log(`     aws-cdk-lib cold  ${cold}`);
	console.log(`     aws-cdk-lib warm  ${cdkWarm}${cdkWarm === cold ? '' : '  <- stale: its cache missed the change'}`);
	console.log(`     ecr-assets warm   ${ours.hash}  (${ours.note})`);
	return { cold, cdkWarm };
}

step('first run (both caches cold, then written)');
// Our first run wrote a cache whose entries are now trusted.
const warmed = step('unchanged tree (both caches warm)');
const file = path.join(ctx, 'app.js');
const ref = path.join(tmp, 'ref');
fs.writeFileSync(ref, '');
cp.execFileSync('touch', ['-r', file, ref]);
fs.writeFileSync(file, 'console.log("v2");\n'); // same length
cp.execFileSync('touch', ['-r', ref, file]);
const r = step('same size, same mtime, other bytes (cp -p / tar x / rsync -t)');
if (r.cold === warmed.cold) {
	console.log('FAIL the edit did not change the reference hash');
	failures++;
}
console.log(r.cdkWarm === warmed.cold
    ? '     (aws-cdk-lib 2.276.0\'s own cache is stale here, as expected)'
    : '     (aws-cdk-lib\'s cache saw the change)');
fs.writeFileSync(path.join(ctx, 'pkg1', 'f1.js'), 'module.exports = 1111;\n');
step('plain edit (size and mtime change)');
fs.writeFileSync(path.join(ctx, 'pkg2', 'new.js'), 'new\n');
step('new file');
fs.unlinkSync(path.join(ctx, 'pkg0', 'f0.js'));
step('deleted file');
fs.writeFileSync(path.join(ctx, '.dockerignore'), 'pkg1\n');
step('new .dockerignore');

fs.rmSync(tmp, { recursive: true, force: true });
console.log(`fpcache_stale: ${failures === 0 ? 'all' : failures + ' not'} equal to aws-cdk-lib cold`);
process.exit(failures === 0 ? 0 : 1);
