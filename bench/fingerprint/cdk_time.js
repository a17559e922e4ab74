#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// bench/fingerprint/cdk_time.js - time aws-cdk-lib 2.276.0's
// FileSystem.fingerprint() calls, cold or with its disk cache warm.
//
//   cdk_time.js (--cold | --cache-home DIR) [--repeat N] [--ignore-mode M]
//               [-e PATTERN]... PATH
//
// --cold: the fingerprint disk cache (~/.cdk/cache/fingerprints) cannot be
// written (HOME is an unusable path), so every call hashes every file.
// --cache-home DIR: HOME=DIR; one call fills the cache, then N timed calls
// each load it from disk anew (a new FingerprintDiskCache per call, as
// every synth does) and hash only the walk and the misses. Prints the hash
// on stdout and "call_ms <ms> cpu_ms <user+system ms>" per timed call on
// stderr. Node start-up and
// module loading are not timed (in aws-cdk-lib's favour).
'use strict';

const path = require('path');

const argv = process.argv.slice(2);
const opts = { exclude: [] };
let target, home, repeat = 3, cold = false;
for (let i = 0; i < argv.length; i++) {
	const a = argv[i];
	if (a === '--cold') cold = true;
	else if (a === '--cache-home') home = argv[++i];
	else if (a === '--repeat') repeat = Number(argv[++i]);
	else if (a === '--ignore-mode' || a === '-i') opts.ignoreMode = argv[++i];
	else if (a === '-e' || a === '--exclude') opts.exclude.push(argv[++i]);
	else target = a;
}
if (!target || (!cold && !home)) {
	process.stderr.write('usage: cdk_time.js (--cold | --cache-home DIR) [--repeat N] PATH\n');
	process.exit(2);
}
process.env.HOME = cold ? '/dev/null/ecra-no-fingerprint-cache' : path.resolve(home);
const cdk = require(path.join(__dirname, '../../tests/compat/node_modules/aws-cdk-lib'));
let hash;
if (!cold)
	hash = cdk.FileSystem.fingerprint(target, opts); // fills the cache
for (let i = 0; i < repeat; i++) {
	const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
	hash = cdk.FileSystem.fingerprint(target, opts);
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	const c = process.cpuUsage(c0);
	process.stderr.write(`call_ms ${ms.toFixed(1)} cpu_ms ${((c.user + c.system) / 1000).toFixed(1)}\n`);
}
process.stdout.write(hash + '\n');
