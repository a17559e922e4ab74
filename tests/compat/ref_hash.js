#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/ref_hash.js - the reference side as a command: the same
// arguments as `ecr-assets hash`, answered by aws-cdk-lib 2.276.0's
// FileSystem.fingerprint. Used to check the differential harness itself
// (run a suite with --cli tests/compat/ref_hash.js: every case must
// match) and by the benchmark.
//
//   ref_hash.js PATH [--exclude P]... [--ignore-mode M] [--follow F]
//               [--extra-hash S] [--explain] [--time] [--repeat N]
//
// --explain prints "<header>\t<value>" per hashed field, then the hash.
// --time prints the wall time of each fingerprint call (not node start-up)
// in milliseconds to stderr as "call_ms <ms> cpu_ms <user+system ms>".
// Exit 1 with "ecra: <message>" when the reference throws.
'use strict';

const lib = require('./fingerprint_lib');

function main(argv) {
	const opts = {};
	let target, explain = false, time = false, repeat = 1;
	if (argv[0] === 'hash')
		argv = argv.slice(1);
	for (let i = 0; i < argv.length; i++) {
		const k = argv[i];
		const val = () => argv[++i];
		if (k === '--exclude') (opts.exclude = opts.exclude || []).push(val());
		else if (k === '--ignore-mode') opts.ignoreMode = val();
		else if (k === '--follow') opts.follow = val();
		else if (k === '--extra-hash') opts.extraHash = val();
		else if (k === '--explain') explain = true;
		else if (k === '--time') time = true;
		else if (k === '--repeat') repeat = Number(val());
		else if (target === undefined) target = k;
		else {
			process.stderr.write(`ecra: unexpected argument '${k}'\n`);
			return 2;
		}
	}
	if (target === undefined) {
		process.stderr.write('ecra: expected PATH\n');
		return 2;
	}
	let r;
	if (explain) {
		r = lib.oracle(target, opts);
	} else {
		const cdk = lib.loadCdk();
		for (let n = 0; n < repeat; n++) {
			const t0 = process.hrtime.bigint();
			const c0 = process.cpuUsage();
			try {
				r = { hash: cdk.FileSystem.fingerprint(target, opts) };
			} catch (e) {
				r = { error: String(e && e.message || e) };
			}
			const t1 = process.hrtime.bigint();
			const c1 = process.cpuUsage(c0);
			if (time)
				process.stderr.write(`call_ms ${Number(t1 - t0) / 1e6} ` +
				    `cpu_ms ${(c1.user + c1.system) / 1e3}\n`);
		}
	}
	if (r.error !== undefined) {
		process.stderr.write(`ecra: ${r.error.split('\n')[0]}\n`);
		return 1;
	}
	if (explain)
		for (const [h, v] of r.fields)
			process.stdout.write(`${h}\t${v}\n`);
	process.stdout.write(r.hash + '\n');
	return 0;
}

process.exitCode = main(process.argv.slice(2));
