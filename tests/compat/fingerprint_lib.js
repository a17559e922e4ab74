// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/fingerprint_lib.js - shared machinery of the fingerprint
// differential tests: the aws-cdk-lib oracle (with a hook that records the
// fields fed to the outer hash), a tree builder, the runner of
// `ecr-assets hash`, and the comparison that explains mismatches.
//
// The oracle is FileSystem.fingerprint of aws-cdk-lib 2.276.0 as installed
// in tests/compat/node_modules (scripts/install-deps.sh). Its fingerprint
// disk cache is disabled (HOME points at a path that cannot hold it): the
// cache is keyed by inode/mtime/size, and temp trees recreated within one
// millisecond could otherwise read stale content hashes.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const childProcess = require('child_process');
const crypto = require('crypto');

process.env.HOME = '/dev/null/ecra-no-fingerprint-cache';

function loadCdk() {
	try {
		return require('aws-cdk-lib');
	} catch (e) {
		process.stderr.write(
		    'error: aws-cdk-lib is not installed in tests/compat/node_modules (' +
		    e.message.split('\n')[0] + ')\n' +
		    'install it with: scripts/install-deps.sh ' +
		    '(or: cd tests/compat && npm install)\n');
		process.exit(1);
	}
}

// ---------------------------------------------------------------------------
// Seeded PRNG (mulberry32 over a 32-bit seed mixed with splitmix).

function makeRng(seed) {
	let s = (Number(seed) >>> 0) ^ 0x9e3779b9;
	function next() {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	const rng = {
		next,
		int(lo, hi) { return lo + Math.floor(next() * (hi - lo + 1)); },
		pick(arr) { return arr[Math.floor(next() * arr.length)]; },
		chance(p) { return next() < p; },
		shuffle(arr) {
			for (let i = arr.length - 1; i > 0; i--) {
				const j = Math.floor(next() * (i + 1));
				[arr[i], arr[j]] = [arr[j], arr[i]];
			}
			return arr;
		},
	};
	return rng;
}

// ---------------------------------------------------------------------------
// Oracle: FileSystem.fingerprint with the outer hash's fields recorded.

let capture = null;

function installHashHook() {
	const orig = crypto.createHash;
	crypto.createHash = function hookedCreateHash(...args) {
		const h = orig.apply(this, args);
		if (capture === null)
			return h;
		const log = [];
		let outer = null;
		const update = h.update;
		h.update = function hookedUpdate(data, enc) {
			if (outer === null) {
				outer = data === '\x01';
				if (outer)
					capture.push(log);
			}
			if (outer)
				log.push(typeof data === 'string' ? data :
				    Buffer.from(data).toString('utf8'));
			return update.call(this, data, enc);
		};
		return h;
	};
}

// Fields [[header, value], ...] from the recorded framed updates.
function framesToFields(log) {
	const fields = [];
	for (let i = 0; i + 4 < log.length; i += 5)
		fields.push([log[i + 1], log[i + 3]]);
	return fields;
}

let cdk = null;

// Returns {hash, fields} or {error, fields} (fields hashed before the throw).
function oracle(target, opts) {
	if (cdk === null) {
		cdk = loadCdk();
		installHashHook();
	}
	const o = {};
	if (opts.exclude !== undefined)
		o.exclude = opts.exclude.slice();
	if (opts.ignoreMode !== undefined)
		o.ignoreMode = opts.ignoreMode;
	if (opts.follow !== undefined)
		o.follow = opts.follow;
	if (opts.extraHash !== undefined)
		o.extraHash = opts.extraHash;
	capture = [];
	try {
		const hash = cdk.FileSystem.fingerprint(target, o);
		const fields = capture.length ? framesToFields(capture[0]) : [];
		return { hash, fields };
	} catch (e) {
		const fields = capture.length ? framesToFields(capture[0]) : [];
		return { error: String(e && e.message || e), fields };
	} finally {
		capture = null;
	}
}

// ---------------------------------------------------------------------------
// Running `ecr-assets hash`.

function cliArgs(target, opts, extra) {
	const args = ['hash', target];
	for (const p of opts.exclude || [])
		args.push('--exclude', p);
	if (opts.ignoreMode !== undefined)
		args.push('--ignore-mode', opts.ignoreMode);
	if (opts.follow !== undefined)
		args.push('--follow', opts.follow);
	if (opts.extraHash !== undefined)
		args.push('--extra-hash', opts.extraHash);
	return args.concat(extra || []);
}

function runCli(cli, target, opts, extra) {
	const r = childProcess.spawnSync(cli, cliArgs(target, opts, extra), {
		encoding: 'buffer', timeout: 120000, maxBuffer: 256 << 20,
		// A followed link to a FIFO must fail, never block; stdin closed.
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return {
		status: r.status,
		signal: r.signal,
		error: r.error ? String(r.error) : undefined,
		stdout: r.stdout ? r.stdout.toString('utf8') : '',
		stderr: r.stderr ? r.stderr.toString('utf8') : '',
	};
}

// The same, without blocking: the CLI runs while node computes the oracle.
function runCliAsync(cli, target, opts, extra) {
	return new Promise(resolve => {
		const out = [], err = [];
		let done = false;
		const child = childProcess.spawn(cli, cliArgs(target, opts, extra),
		    { stdio: ['ignore', 'pipe', 'pipe'] });
		const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
		child.stdout.on('data', d => out.push(d));
		child.stderr.on('data', d => err.push(d));
		const finish = (status, signal, error) => {
			if (done)
				return;
			done = true;
			clearTimeout(timer);
			resolve({ status, signal, error,
			    stdout: Buffer.concat(out).toString('utf8'),
			    stderr: Buffer.concat(err).toString('utf8') });
		};
		child.on('error', e => finish(null, null, String(e)));
		child.on('close', (status, signal) => finish(status, signal));
	});
}

// Parse `--explain` output into [[header, value], ...]. Accepted forms:
// JSON (--explain --json: an array of {header,value} / [header,value], or an
// object holding such an array under "fields"), or text lines
// "<header><TAB><value>" / "<header> = <value>" / "<header>: <value>"
// with the final 64-hex hash line skipped.
function parseExplain(text) {
	const t = text.trim();
	if (t.startsWith('[') || t.startsWith('{')) {
		try {
			let j = JSON.parse(t);
			if (!Array.isArray(j))
				j = j.fields || j.explain || [];
			return j.map(f => Array.isArray(f) ? [f[0], f[1]] :
			    [f.header !== undefined ? f.header : f.name,
			     f.value]);
		} catch (e) {
			/* fall through to lines */
		}
	}
	const fields = [];
	for (const line of text.split('\n')) {
		if (line === '' || /^[0-9a-f]{64}$/.test(line))
			continue;
		let m = /^([^\t]*)\t(.*)$/.exec(line) ||
		    /^(\S+) = (.*)$/.exec(line) || /^(\S+): (.*)$/.exec(line);
		fields.push(m ? [m[1], m[2]] : [line, '']);
	}
	return fields;
}

function show(s) {
	return JSON.stringify(s);
}

// Describe the first difference between two field lists.
function firstFieldDiff(ref, ours) {
	const n = Math.max(ref.length, ours.length);
	for (let i = 0; i < n; i++) {
		const a = ref[i], b = ours[i];
		if (a === undefined)
			return `field #${i}: reference has no more fields, ours has ${show(b)}`;
		if (b === undefined)
			return `field #${i}: ours has no more fields, reference has ${show(a)}`;
		if (a[0] !== b[0] || a[1] !== b[1])
			return `field #${i}: reference ${show(a)} vs ours ${show(b)}` +
			    (i > 0 ? ` (previous field ${show(ref[i - 1])})` : '');
	}
	return 'fields identical (difference is in framing or the digest)';
}

// Compare the oracle with the CLI on one case. Returns {ok, kind, detail}.
// kind: 'hash' (both hashed), 'error' (both failed).
// `c.expectStderr` (RegExp) checks the CLI's message when both fail.
const timing = { oracle: 0, cli: 0 };

// The CLI starts first and runs while the oracle computes; timing.cli is
// only the time spent waiting for it afterwards.
async function compareCase(cli, target, opts, c) {
	c = c || {};
	const t0 = process.hrtime.bigint();
	const pending = runCliAsync(cli, target, opts);
	const ref = oracle(target, opts);
	const t1 = process.hrtime.bigint();
	const ours = await pending;
	timing.oracle += Number(t1 - t0) / 1e9;
	timing.cli += Number(process.hrtime.bigint() - t1) / 1e9;
	const lines = [];
	if (ours.signal || ours.error)
		return { ok: false, ref, ours, detail:
		    `cli died: ${ours.signal || ours.error} ${ours.stderr.trim()}` };
	if (ref.error !== undefined) {
		if (ours.status !== 1)
			return { ok: false, ref, ours, detail:
			    `reference throws ${show(ref.error)}, but ours exited ` +
			    `${ours.status} with ${show(ours.stdout.trim())} ` +
			    `${show(ours.stderr.trim())}` };
		const msg = ours.stderr.trim();
		if (!/^ecra: ./.test(msg))
			return { ok: false, ref, ours, detail:
			    `reference throws ${show(ref.error)}; ours exited 1 ` +
			    `without an "ecra: <message>" (${show(msg)})` };
		if (c.expectStderr && !c.expectStderr.test(msg))
			return { ok: false, ref, ours, detail:
			    `reference throws ${show(ref.error)}; our message ` +
			    `${show(msg)} does not match ${c.expectStderr}` };
		return { ok: true, kind: 'error', ref, ours };
	}
	const got = ours.stdout.trim();
	if (ours.status === 0 && got === ref.hash)
		return { ok: true, kind: 'hash', ref, ours };
	if (ours.status !== 0) {
		lines.push(`reference ${ref.hash}, ours exited ${ours.status}: ` +
		    show(ours.stderr.trim()));
	} else {
		lines.push(`reference ${ref.hash}, ours ${show(got)}`);
	}
	const ex = runCli(cli, target, opts, ['--explain', '--json']);
	if (ex.status === 0)
		lines.push(firstFieldDiff(ref.fields, parseExplain(ex.stdout)));
	else
		lines.push(`--explain exited ${ex.status}: ${show(ex.stderr.trim())}`);
	return { ok: false, ref, ours, detail: lines.join('\n    ') };
}

// ---------------------------------------------------------------------------
// Trees.
//
// A tree is a list of entries, each {path, type, ...} with path relative to
// the case directory (so "root/a/x" or "ext/e.txt"):
//   {type:'file', data: Buffer|string}
//   {type:'dir'}
//   {type:'link', target: string}   "@ROOT", "@CASE", "@ALIAS" at the start
//                                   of a target are replaced by absolute
//                                   paths (the root, the case directory,
//                                   an alias link to the root).
//   {type:'fifo'}
// Parents are created as needed. Paths may be Buffers for raw names.

function buildTree(caseDir, entries) {
	fs.mkdirSync(caseDir, { recursive: true });
	const abs = p => Buffer.isBuffer(p) ?
	    Buffer.concat([Buffer.from(caseDir + '/'), p]) : path.join(caseDir, p);
	const parentOf = p => Buffer.isBuffer(p) ?
	    path.dirname(p.toString('latin1')) : path.dirname(p);
	const subst = t => t.replace(/^@ROOT/, path.join(caseDir, 'root'))
	    .replace(/^@ALIAS/, path.join(caseDir, 'alias'))
	    .replace(/^@CASE/, caseDir);
	const fifos = [];
	for (const e of entries) {
		const parent = parentOf(e.path);
		if (parent !== '.')
			fs.mkdirSync(path.join(caseDir, parent), { recursive: true });
		const p = abs(e.path);
		switch (e.type) {
		case 'file':
			fs.writeFileSync(p, e.data);
			if (e.mode !== undefined)
				fs.chmodSync(p, e.mode);
			break;
		case 'dir':
			fs.mkdirSync(p, { recursive: true });
			break;
		case 'link':
			fs.symlinkSync(subst(e.target), p);
			break;
		case 'fifo':
			fifos.push(p);
			break;
		default:
			throw new Error('unknown entry type ' + e.type);
		}
	}
	if (fifos.length) {
		const r = childProcess.spawnSync('mkfifo', fifos.map(String));
		if (r.status !== 0)
			throw new Error('mkfifo failed: ' + (r.stderr || r.error));
	}
}

function makeTempBase(tag) {
	return fs.mkdtempSync(path.join(os.tmpdir(), `ecra-${tag}-`));
}

function removeTree(dir) {
	// Make everything writable first (cases may chmod).
	fs.rmSync(dir, { recursive: true, force: true });
}

// Common command-line handling of the two suites.
function parseArgs(argv, defaults) {
	const a = Object.assign({ keep: false, verbose: false }, defaults);
	for (let i = 0; i < argv.length; i++) {
		const k = argv[i];
		const val = () => {
			if (i + 1 >= argv.length)
				throw new Error(`${k} needs a value`);
			return argv[++i];
		};
		if (k === '--cli') a.cli = val();
		else if (k === '--seed') a.seed = Number(val());
		else if (k === '--seeds') a.seeds = val().split(',').map(Number);
		else if (k === '--cases') a.cases = Number(val());
		else if (k === '--only') a.only = val();
		else if (k === '--keep') a.keep = true;
		else if (k === '--verbose' || k === '-v') a.verbose = true;
		else if (k === '--list') a.list = true;
		else if (k === '--with-quirks') a.withQuirks = true;
		else if (k === '--max-failures') a.maxFailures = Number(val());
		else if (!k.startsWith('--') && a.seed === undefined &&
		    /^\d+$/.test(k) && a._pos === undefined) {
			a.seed = Number(k); a._pos = 1;
		} else if (!k.startsWith('--') && /^\d+$/.test(k) && a._pos === 1) {
			a.cases = Number(k); a._pos = 2;
		} else
			throw new Error(`unknown argument ${show(k)}`);
	}
	if (!a.cli)
		a.cli = process.env.ECRA_CLI;
	if (!a.cli)
		throw new Error('--cli PATH (or ECRA_CLI) is required');
	a.cli = path.resolve(a.cli);
	return a;
}

module.exports = {
	makeRng, oracle, runCli, runCliAsync, cliArgs, compareCase, parseExplain,
	firstFieldDiff, buildTree, makeTempBase, removeTree, parseArgs, show,
	loadCdk, timing,
};
