#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/fingerprint_diff.js - random differential test of
// `ecr-assets hash` against aws-cdk-lib 2.276.0's FileSystem.fingerprint.
//
//   node fingerprint_diff.js --cli build/ecr-assets [--seed S] [--cases N]
//        [--seeds S1,S2,...] [--only I] [--keep] [--verbose]
//        [--max-failures N] [--with-quirks]
//   node fingerprint_diff.js --cli build/ecr-assets S N     (same, positional)
//
// Each case is a random tree (contents built around the 8 KiB chunking of
// the content hash, odd names, every kind of symlink, FIFOs), random
// exclude patterns in a random ignore mode, a random follow mode and extra
// hash. One node process fingerprints every case; the CLI runs once per
// case. Case I of seed S is reproducible alone with --seed S --only I
// (--keep leaves the tree in $TMPDIR). Exit 0 only if every case matches:
// the same hash, or both sides failing (CLI exit 1 with "ecra: ...").
// --with-quirks also runs the hand-written cases of fingerprint_quirks.js
// in the same process (what ctest's compat_fingerprint does).
'use strict';

const path = require('path');
const lib = require('./fingerprint_lib');

const B = 8192;

// ---------------------------------------------------------------------------
// Contents.

const UTF8_EVENTS = [
	[0x0d, 0x0a], [0x0d, 0x0a], [0x0d], [0x0d], [0x0a],
	[0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80],
	[0xef, 0xbb, 0xbf], [0xef, 0xbc, 0x9e],
	[0xe9], [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xed, 0xa0, 0x80],
	[0xed, 0x9f, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0xa0, 0x80],
	[0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf],
	[0xf5, 0x41], [0xff], [0xfe], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
	[0x0d, 0xc3], [0xe2, 0x0d, 0x0a],
];

function filler(rng, len) {
	const style = rng.int(0, 3);
	const buf = Buffer.alloc(len);
	for (let i = 0; i < len; i++) {
		const v = rng.next() * 26;
		const r = v - Math.floor(v); // fraction: independent enough of c
		let c = 0x61 + Math.floor(v);
		if (style === 1 && r < 0.05) c = 0x0a;
		else if (style === 2 && r < 0.04) c = 0x0d;
		else if (style === 3 && r < 0.02) c = 0x20;
		buf[i] = c;
	}
	if (style === 2) // CRLF line endings
		for (let i = 0; i + 1 < len; i++)
			if (buf[i] === 0x0d)
				buf[i + 1] = 0x0a;
	return buf;
}

function put(buf, pos, bytes) {
	for (let k = 0; k < bytes.length && pos + k < buf.length; k++)
		if (pos + k >= 0)
			buf[pos + k] = bytes[k];
}

function nearBoundary(rng, len) {
	const nb = Math.max(1, Math.floor(len / B));
	return rng.int(1, nb) * B + rng.int(-4, 3);
}

function genContent(rng) {
	const kind = rng.pick(['empty', 'small', 'small', 'small', 'boundary',
	    'boundary', 'boundary', 'boundary', 'crchain', 'binary',
	    'latenul', 'crnul', 'bom', 'utf8', 'same']);
	switch (kind) {
	case 'empty':
		return Buffer.alloc(0);
	case 'same':
		return Buffer.from('same content\r\n');
	case 'small': {
		const n = rng.int(1, 60);
		const parts = [];
		for (let i = 0; i < n; i++)
			parts.push(rng.chance(0.7) ?
			    Buffer.from(rng.pick(['a', 'b', 'x', ' ', 'é', '😀'])) :
			    Buffer.from(rng.pick(UTF8_EVENTS)));
		if (rng.chance(0.1))
			parts.push(Buffer.from([0]));
		return Buffer.concat(parts);
	}
	case 'boundary': {
		const chunks = rng.int(1, 4);
		const len = Math.max(0, chunks * B + rng.int(-6, 6));
		const buf = filler(rng, len);
		const nev = rng.int(1, 6);
		for (let i = 0; i < nev; i++) {
			const ev = rng.chance(0.08) ? [0] : rng.pick(UTF8_EVENTS);
			const pos = rng.chance(0.8) ? nearBoundary(rng, len) -
			    rng.int(0, ev.length) : rng.int(0, len);
			put(buf, pos, ev);
		}
		if (rng.chance(0.3)) // a chunk ending in CR
			put(buf, rng.int(1, Math.max(1, Math.floor(len / B))) * B - 1,
			    [0x0d]);
		if (rng.chance(0.15) && len > 0)
			buf[len - 1] = 0x0d;
		return buf;
	}
	case 'crchain': { // several chunks ending in CR, then text, NUL or EOF
		const n = rng.int(1, 3);
		const parts = [];
		for (let i = 0; i < n; i++) {
			const c = filler(rng, B);
			c[B - 1] = 0x0d;
			if (rng.chance(0.3))
				c[0] = 0x0a;
			parts.push(c);
		}
		const tail = rng.pick(['none', 'text', 'nul', 'lf']);
		if (tail === 'text')
			parts.push(filler(rng, rng.int(1, 9000)));
		else if (tail === 'nul')
			parts.push(Buffer.from('\0abc\r\n'));
		else if (tail === 'lf')
			parts.push(Buffer.from('\nrest'));
		return Buffer.concat(parts);
	}
	case 'binary': {
		const len = rng.pick([1, 2, 100, B - 1, B, B + 1, 3 * B + 17,
		    rng.int(1, 30000)]);
		const buf = Buffer.alloc(len);
		for (let i = 0; i < len; i++)
			buf[i] = Math.floor(rng.next() * 256);
		buf[rng.int(0, Math.min(len, B) - 1)] = 0;
		return buf;
	}
	case 'latenul': { // NUL only after the first chunk
		const len = rng.int(B + 1, 3 * B);
		const buf = filler(rng, len);
		put(buf, rng.int(B, len - 1), [0]);
		if (rng.chance(0.3))
			put(buf, B - 1, [0x0d, 0x0a]);
		return buf;
	}
	case 'crnul': { // first chunk ends in CR, NUL in chunk 2 (binary late)
		const buf = filler(rng, rng.int(B + 1, 3 * B));
		buf[B - 1] = 0x0d;
		put(buf, rng.int(B, Math.min(buf.length - 1, 2 * B - 1)), [0]);
		return buf;
	}
	case 'bom': {
		const body = filler(rng, rng.pick([0, 3, B - 3, B - 1, B + 5]));
		const bom = Buffer.from([0xef, 0xbb, 0xbf]);
		const b = Buffer.concat([bom, body, rng.chance(0.5) ? bom :
		    Buffer.alloc(0), Buffer.from('\r\n')]);
		return b;
	}
	case 'utf8': { // multi-byte text with splits at every boundary
		const s = rng.pick(['é', '€', '😀', 'ab€', '\r\n', '～']);
		const reps = Math.ceil((rng.int(1, 3) * B + rng.int(0, 8)) /
		    Buffer.byteLength(s));
		return Buffer.from(s.repeat(reps));
	}
	}
	throw new Error('unreachable');
}

// ---------------------------------------------------------------------------
// Names.

const NAMES = [
	'a', 'b', 'A', 'B', 'Z', '_u', 'a-b', 'a.b', 'a b', 'a.txt', 'A.TXT',
	'x.log', 'X.LOG', 'keep.log', 'keep', 'sub', 'SUB', 'foo', 'Foo', 'FOO',
	'node_modules', 'cdk.out', '.hidden', '.env', '.git', '.dockerignore',
	'Dockerfile', 'dockerfile', 'a.js', 'b.js', '{a,b}.js', '#c', '\\#c',
	'!x', '!', 'x!', '[x]', 'x]', '[', 'a+b', 'aab', 'a(', '(x)', 'a|b',
	'a$', '^a', 'a{2}', '*', '?', 'q\\', 'b\\c', ' lead', 'trail ', 'x\r',
	'tab\tname', 'é.txt', 'e\u0301.txt', '😀.txt', '～', '\uff5e2',
	'\ue000', '\u{1f600}', '\u{10000}', 'ü', 'Ü', 'ß', 'İ', '.x.js',
	'..a', 'a..', '...', 'Γ', 'γ', 'x', 'y', 'z', 'c.d.e', 'with space',
	'-dash', '--opt', '~', 'a~', '%41', 'a,b', 'a;b', "a'b", 'a"b',
	'x'.repeat(200),
];

function genName(rng, taken, mode) {
	for (let tries = 0; tries < 50; tries++) {
		let n = rng.pick(NAMES);
		// '...' makes the GIT mode throw for every case: keep it rare.
		if (n === '...' && (mode === 'git' ? !rng.chance(0.05) :
		    !rng.chance(0.3)))
			continue;
		if (rng.chance(0.15))
			n = n + rng.pick(['.txt', '.log', '1', '-b', '/'.slice(1)]);
		if (!taken.has(n)) {
			taken.add(n);
			return n;
		}
	}
	const n = 'n' + rng.int(0, 1e9);
	taken.add(n);
	return n;
}

// ---------------------------------------------------------------------------
// Trees.

function relLink(fromDir, to) {
	const r = path.posix.relative(fromDir, to);
	return r === '' ? '.' : r;
}

function genTree(rng, mode) {
	const entries = [{ path: 'root', type: 'dir' }];
	const files = [];     // root-relative regular files
	const dirs = [''];    // root-relative directories ('' = root)
	const fifos = [];
	const links = [];
	const maxDepth = rng.chance(0.1) ? 12 : 4;
	const budget = { n: rng.int(3, rng.chance(0.2) ? 80 : 35) };

	function fill(dir, depth) {
		const taken = new Set();
		const n = rng.int(depth === 0 ? 1 : 0, depth === 0 ? 10 : 6);
		for (let i = 0; i < n && budget.n > 0; i++) {
			budget.n--;
			const name = genName(rng, taken, mode);
			const rel = dir ? `${dir}/${name}` : name;
			const r = rng.next();
			if (r < 0.55) {
				entries.push({ path: `root/${rel}`, type: 'file',
				    data: genContent(rng) });
				files.push(rel);
			} else if (r < 0.8 && depth < maxDepth) {
				entries.push({ path: `root/${rel}`, type: 'dir' });
				dirs.push(rel);
				fill(rel, depth + 1);
			} else if (r < 0.97) {
				links.push(rel); // target chosen later
			} else {
				entries.push({ path: `root/${rel}`, type: 'fifo' });
				fifos.push(rel);
			}
		}
		if (maxDepth > 4 && depth < maxDepth && rng.chance(0.7)) {
			const rel = dir ? `${dir}/deep${depth}` : `deep${depth}`;
			entries.push({ path: `root/${rel}`, type: 'dir' });
			dirs.push(rel);
			fill(rel, depth + 1);
		}
	}
	fill('', 0);

	// The outside world: ext/ next to root/, and an alias link to root.
	entries.push({ path: 'ext/e.txt', type: 'file', data: genContent(rng) });
	entries.push({ path: 'ext/edir/f1', type: 'file', data: 'f1\r\n' });
	entries.push({ path: 'ext/edir/sub/f2', type: 'file',
	    data: genContent(rng) });
	entries.push({ path: 'ext/edir/back', type: 'link',
	    target: rng.pick(['../../root', '../../root/' + rng.pick(dirs),
	        '@ROOT', 'f1'])});
	entries.push({ path: 'ext/edir/sub/up', type: 'link', target: '..' });
	entries.push({ path: 'ext/elink', type: 'link', target: 'edir' });
	if (rng.chance(0.2))
		entries.push({ path: 'ext/efifo', type: 'fifo' });
	entries.push({ path: 'alias', type: 'link', target: 'root' });
	const extFiles = ['e.txt', 'edir/f1', 'edir/sub/f2', 'edir/back',
	    'elink', 'edir', 'edir/sub', 'missing'];

	const dirLinksMax = 4;
	let dirLinks = 0;
	for (const rel of links) {
		const linkDir = path.posix.dirname(rel) === '.' ? '' :
		    path.posix.dirname(rel);
		let kind = rng.pick(['relfile', 'relfile', 'reldir', 'absfile',
		    'absdir', 'alias', 'root', 'parent', 'relext', 'relext',
		    'absext', 'dangling', 'self', 'chain', 'noisy', 'fifo',
		    'extfifo', 'trailing']);
		if ((kind === 'reldir' || kind === 'absdir' || kind === 'root' ||
		    kind === 'parent') && ++dirLinks > dirLinksMax)
			kind = 'relfile';
		if (kind === 'fifo' && fifos.length === 0)
			kind = 'extfifo';
		let t;
		const f = files.length ? rng.pick(files) : 'nonexistent';
		const d = rng.pick(dirs);
		switch (kind) {
		case 'relfile': t = relLink(linkDir, f); break;
		case 'reldir': t = relLink(linkDir, d); break;
		case 'absfile': t = '@ROOT/' + f; break;
		case 'absdir': t = d ? '@ROOT/' + d : '@ROOT'; break;
		case 'alias': t = '@ALIAS/' + (rng.chance(0.5) ? f : d); break;
		case 'root': t = rng.pick([relLink(linkDir, ''), '@ROOT',
		    '@ROOT/', '@ROOT/.']); break;
		case 'parent': t = '..'; break;
		case 'relext':
			t = relLink(linkDir, '../ext/' + rng.pick(extFiles));
			break;
		case 'absext': t = '@CASE/ext/' + rng.pick(extFiles); break;
		case 'dangling':
			t = rng.pick(['nonexistent', '../nope', 'a/b/../../zz',
			    '@CASE/nope', '@ROOT/nope/x']);
			break;
		case 'self': t = path.posix.basename(rel); break;
		case 'chain':
			t = relLink(linkDir, rng.pick(links));
			break;
		case 'noisy':
			t = './' + relLink(linkDir, f).replace(/^\.\//, '');
			if (rng.chance(0.5))
				t = 'zz/../' + t;
			if (rng.chance(0.3))
				t = t.replace(/\//g, '//');
			break;
		case 'fifo': t = relLink(linkDir, rng.pick(fifos)); break;
		case 'extfifo': t = '@CASE/ext/efifo'; break;
		case 'trailing': t = relLink(linkDir, d) + '/'; break;
		}
		entries.push({ path: `root/${rel}`, type: 'link', target: t });
	}
	// Invalid UTF-8 in a name (aws-cdk-lib cannot open it): rare.
	if (rng.chance(0.02))
		entries.push({ path: Buffer.from([0x72, 0x6f, 0x6f, 0x74, 0x2f,
		    0x62, 0x61, 0x64, 0xff]), type: 'file', data: 'x' });
	return { entries, files, dirs, links, fifos };
}

// ---------------------------------------------------------------------------
// Patterns.

const FIXED_PATTERNS = [
	'*', '**', '.*', '*.log', '!keep.log', '!*.log', 'node_modules',
	'cdk.out', '#c', '\\#c', 'a/**', '**/x', '**/a/**', 'sub', '!sub/keep',
	'!sub/keep.log', ' x ', 'x\r', '*.TXT', '*.txt', '{a,b}.js', 'a+b',
	'[ab]', '[!a]*', '[a-c]*', '?', '??', 'foo/', '/foo', './foo', 'a/*',
	'!!x', '!!!a', '\\!x', '', ' ', '!', '/', '**/', '*/', '*/*', 'a b',
	'!.dockerignore', '!Dockerfile', '.git', '/abs/x/cdk.out',
	'@CASE/root/cdk.out', '+(a|b)', '@(x|y)', '*(a)', 'a/**/b', '**/*.js',
	'a\\*', '[', ']', '[]', 'a(', '(x)', 'a|b', '\\', '\t#c', 'ü', 'Ü',
	'😀*', '～', '*～', '\u{1f600}.txt', '.*.js', '*/.x.js', 'a?b',
	'deep*', '**/deep3/**', '\ufeffa', '\u00a0a',
];

function mutateSeg(rng, seg) {
	const cps = Array.from(seg); // whole code points, no lone surrogates
	const first = cps.length ? cps[0] : '';
	const rest = cps.slice(1).join('');
	switch (rng.int(0, 7)) {
	case 0: return '*';
	case 1: return '**';
	case 2: return cps.slice(0, -1).join('') + '?';
	case 3: return cps.length ? `[${first}x]` + rest : '[x]';
	case 4: return cps.length ? `[!${first}]` + rest : '[!x]';
	case 5: return seg.replace(/\.[^.]*$/, '') + '*';
	case 6: return '*' + rest;
	default: return seg;
	}
}

function flipCase(s) {
	return s.replace(/./gu, c => c === c.toUpperCase() ? c.toLowerCase() :
	    c.toUpperCase());
}

function genPattern(rng, tree, mode) {
	let p;
	const pool = tree.files.concat(tree.dirs.filter(d => d), tree.links);
	if (pool.length === 0 || rng.chance(0.35)) {
		p = rng.pick(FIXED_PATTERNS);
	} else {
		let segs = rng.pick(pool).split('/');
		if (rng.chance(0.4))
			segs = segs.slice(-1);
		else if (segs.length > 1 && rng.chance(0.3))
			segs = segs.slice(0, rng.int(1, segs.length - 1));
		if (rng.chance(0.5)) {
			const i = rng.int(0, segs.length - 1);
			segs[i] = mutateSeg(rng, segs[i]);
		}
		p = segs.join('/');
		const r = rng.next();
		if (r < 0.1) p = '**/' + p;
		else if (r < 0.2) p = p + '/**';
		else if (r < 0.3) p = p + '/';
		else if (r < 0.38) p = '/' + p;
		else if (r < 0.42) p = './' + p;
		if (rng.chance(0.1)) p = flipCase(p);
		if (rng.chance(0.05)) p = p + rng.pick([' ', '\r', '\t', '  ']);
		if (rng.chance(0.03)) p = ' ' + p;
		if (rng.chance(0.05)) p = '\\' + p;
	}
	if (rng.chance(0.25))
		p = '!' + p;
	// An invalid regex makes the DOCKER mode throw for every entry; keep
	// such cases to a small share.
	if (mode === 'docker' && /[()[\]{}|+^$]/.test(p) && !rng.chance(0.25))
		p = p.replace(/[()[\]{}|+^$]/g, '*');
	// argv carries UTF-8: a lone surrogate would reach the CLI as U+FFFD
	// but the reference as itself. Give both sides the same string.
	return Buffer.from(p, 'utf8').toString('utf8');
}

// ---------------------------------------------------------------------------
// Cases.

function genCase(rng, caseDir) {
	const mode = rng.pick([undefined, 'glob', 'glob', 'git', 'git',
	    'docker', 'docker']);
	const tree = genTree(rng, mode);
	const opts = {};
	if (mode !== undefined)
		opts.ignoreMode = mode;
	const follow = rng.pick([undefined, 'never', 'always', 'external',
	    'internal-only']);
	if (follow !== undefined)
		opts.follow = follow;
	const extra = rng.pick([undefined, undefined, '', 'x', '1.21.0',
	    '{"version":"1.21.0"}', 'é😀\t\r\n', 'a\u0000b'.slice(0, 1)]);
	if (extra !== undefined)
		opts.extraHash = extra;
	const np = rng.pick([0, 0, 1, 2, 3, 4, 6]);
	if (np > 0 || rng.chance(0.5)) {
		opts.exclude = [];
		for (let i = 0; i < np; i++)
			opts.exclude.push(genPattern(rng, tree, mode).replace(
			    /^@CASE/, caseDir));
	}
	// What is fingerprinted: usually the root directory.
	let target = path.join(caseDir, 'root');
	const t = rng.next();
	if (t < 0.05) {
		target = path.join(caseDir, 'alias');
	} else if (t < 0.08) {
		target = target + '/';
	} else if (t < 0.13 && tree.files.length) {
		target = path.join(target, rng.pick(tree.files));
	} else if (t < 0.15 && tree.links.length) {
		// A link as the asset itself: realpath'd first (a file, a dir,
		// or an error for a dangling one).
		target = path.join(target, rng.pick(tree.links));
	}
	return { entries: tree.entries, opts, target };
}

function caseSeed(seed, i) {
	return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;
}

async function runSeed(args, seed, base) {
	const res = { seed, cases: 0, hash: 0, error: 0, failed: [] };
	const first = args.only !== undefined ? Number(args.only) : 0;
	const last = args.only !== undefined ? first : args.cases - 1;
	for (let i = first; i <= last; i++) {
		const rng = lib.makeRng(caseSeed(seed, i));
		const caseDir = path.join(base, `s${seed}-c${i}`);
		const c = genCase(rng, caseDir);
		const tb = Date.now();
		lib.buildTree(caseDir, c.entries);
		lib.timing.build = (lib.timing.build || 0) + (Date.now() - tb) / 1000;
		try { // never hash a FIFO as the asset itself: opening it blocks
			const st = require('fs').statSync(c.target);
			if (!st.isFile() && !st.isDirectory())
				c.target = path.join(caseDir, 'root');
		} catch (e) {
			/* a dangling target: both sides must fail */
		}
		const r = await lib.compareCase(args.cli, c.target, c.opts);
		res.cases++;
		if (r.ok) {
			res[r.kind]++;
			if (args.verbose)
				process.stdout.write(`ok seed ${seed} case ${i}: ${r.kind}` +
				    (r.kind === 'error' ? ` (${r.ref.error})` : '') + '\n');
		} else {
			res.failed.push(i);
			process.stdout.write(
			    `MISMATCH seed ${seed} case ${i}\n` +
			    `  target  ${lib.show(c.target)}\n` +
			    `  options ${lib.show(c.opts)}\n` +
			    `  ${r.detail}\n` +
			    `  rerun: node ${path.relative(process.cwd(), __filename)} ` +
			    `--cli ${args.cli} --seed ${seed} --only ${i} --keep\n`);
			if (args.keep)
				process.stdout.write(`  tree kept in ${caseDir}\n`);
		}
		if (!args.keep)
			lib.removeTree(caseDir);
		if (args.maxFailures && res.failed.length >= args.maxFailures)
			break;
	}
	return res;
}

async function main() {
	let args;
	try {
		args = lib.parseArgs(process.argv.slice(2), { seed: 1, cases: 500 });
	} catch (e) {
		process.stderr.write(`fingerprint_diff: ${e.message}\n`);
		return 2;
	}
	lib.loadCdk();
	const seeds = args.seeds || [args.seed];
	const base = lib.makeTempBase('fpdiff');
	let bad = 0, total = 0, matched = 0;
	const t0 = Date.now();
	try {
		for (const s of seeds) {
			const r = await runSeed(args, s, base);
			total += r.cases;
			matched += r.hash + r.error;
			bad += r.failed.length;
			process.stdout.write(`seed ${s}: ${r.cases} cases, ` +
			    `${r.hash + r.error} match (${r.hash} hashes, ${r.error} ` +
			    `both fail), ${r.failed.length} mismatch` +
			    (r.failed.length ? ` [${r.failed.slice(0, 20).join(' ')}]` :
			        '') + '\n');
		}
	} finally {
		if (!args.keep)
			lib.removeTree(base);
		else
			process.stdout.write(`trees kept in ${base}\n`);
	}
	const tm = lib.timing;
	process.stdout.write(`fingerprint_diff: ${matched}/${total} match, ` +
	    `${bad} mismatch, ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
	    `(building trees ${(tm.build || 0).toFixed(1)} s, aws-cdk-lib ` +
	    `${tm.oracle.toFixed(1)} s, ecr-assets ${tm.cli.toFixed(1)} s)\n`);
	let rc = bad === 0 && total > 0 ? 0 : 1;
	if (args.withQuirks) {
		const t1 = Date.now();
		const q = await require('./fingerprint_quirks').runQuirks(
		    Object.assign({}, args, { only: undefined }));
		process.stdout.write(`quirks took ${((Date.now() - t1) / 1000)
		    .toFixed(1)} s\n`);
		if (q !== 0)
			rc = 1;
	}
	return rc;
}

if (require.main === module)
	main().then(rc => { process.exitCode = rc; }, e => {
		process.stderr.write(`fingerprint_diff: ${e.stack || e}\n`);
		process.exitCode = 1;
	});
module.exports = { genCase, caseSeed };
