#!/usr/bin/env node
/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/compat/ignore_gitdocker_diff.js - differential test of the GIT and
 * DOCKER ignore strategies against aws-cdk-lib's own IgnoreStrategy
 * (ignore 5.3.2 and @balena/dockerignore 1.0.2 as bundled).
 *
 * usage: node ignore_gitdocker_diff.js DRIVER [--seed N] [--cases N]
 *            [--seeds N]
 *
 * For each seed, random pattern sets (negations, "**", anchors, trailing
 * slashes, classes and ranges, escapes, regex metacharacters, whitespace,
 * comments, unicode and case variants, "." and ".." segments) are queried
 * with random paths: files through ignores(), directories through
 * completelyIgnores(). The same cases go to DRIVER (ecra_ignore_driver)
 * and every answer must agree, an error on one side being matched by an
 * error (a throw) on the other. Fixed cases cover invalid patterns.
 */
'use strict';

const path = require('path');
const { execFileSync } = require('child_process');
/* core/lib/fs/ignore is not in the package's "exports": load it by path */
const { IgnoreStrategy } = require(path.join(
    path.dirname(require.resolve('aws-cdk-lib')), 'core/lib/fs/ignore.js'));

const ROOT = '/root-x';

function parseArgs(argv) {
	const a = { driver: null, seed: 1, cases: 150, seeds: 1 };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--seed') a.seed = Number(argv[++i]);
		else if (argv[i] === '--cases') a.cases = Number(argv[++i]);
		else if (argv[i] === '--seeds') a.seeds = Number(argv[++i]);
		else a.driver = argv[i];
	}
	if (!a.driver) {
		console.error('usage: ignore_gitdocker_diff.js DRIVER ' +
		    '[--seed N] [--cases N] [--seeds N]');
		process.exit(2);
	}
	return a;
}

/* mulberry32 */
function prng(seed) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6D2B79F5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const NAMES = ['a', 'b', 'A', 'B', 'foo', 'FOO', 'Foo', 'x.txt', 'X.TXT',
	'y.js', '.hidden', 'dir', 'sub', 'keep', 'node_modules', 'cdk.out',
	'é', 'É', 'a b', 'a+b', 'aab', 'ab', '#c', '!x', '[a]', '{a,b}',
	'a.b', 'axb', 'x$', '$x', 'a1', 'a12', 'ß', 'SS', 'ſ', 's', 'k',
	'\u212a', '\u{1F600}', 'x y ', 'a(b', 'a|b', 'z', '_', 'Dockerfile',
	'...a', 'a...', '-', '\u0130', '\u0131', 'i', 'I', '\u03a3', '\u03c3',
	'\u03c2', '\u00b5', '\u039c', '\u00ff', '\u0178', 'a\u2028b', 'x\u3000',
	'aa', 'aaa', 'abab', '123', 'a_1', 'a-b', 'Ab', 'aB'];

/* Pattern pieces common to both modes. */
const PIECES = ['a', 'b', 'A', 'foo', 'FOO', 'x.txt', '*.txt', '*.TXT',
	'*', '**', '?', '??', 'a*', '*a', '[a-c]', '[ab]', '[!a]', '[^a]',
	'[A-Z]', '[0-9]', '\\*', '\\?', '\\a', '\\#c', '\\!x', '#c', '!x',
	'.', '..', '.hidden', 'é', 'É', 'ß', 'ſ', 'K', 'dir', 'sub', 'keep',
	'node_modules', 'cdk.out', 'a b', 'a\\ ', 'y.js', '*.js', 'a+b',
	'\u{1F600}', 'a.b', 'x$', '$x', 'a?', '.*', 'k', 'Dockerfile', '-'];

/* DOCKER copies raw regex syntax: a few valid constructs. */
const DOCKER_PIECES = ['a+b', 'a+', '(a|b)', '(foo)', 'a{2}', 'a{1,2}b',
	'x|y', '^a', '[a-c]+', '\\d', '\\w', '\\s', '\\D', '(a)\\1', '[.]',
	'[*]', 'a{', '}', ']', '(?', 'a\\', '\\$', '\\.', '[\\w]', 'ab|',
	'(ab)+', '(a|b)+', '(a|)+b', '(a+)+', '[^a-c]+', '[\\d_]+', '\\b',
	'\\B', '(a)(b)\\2', '\\1', '\\8', '\\x41', '\\u0061', '\\cA',
	'[\\s\\S]', '(|a)', 'a{0}', 'a{2,}', '\\/', '[/]', '(a/b|c)', 'x|',
	'|x', '\\k', '[\\b]', '\u0131+', '\u017f', '[\u03c3]', '(?=', 'a{,2}'];

/* GIT: escapes that become regex escapes, odd brackets and ranges. */
const GIT_PIECES = ['\\d', '\\w', '\\b', '[z-a]', '[a-', '[\\]', 'a]',
	'[a-z', '\\[a]', '[\\\\]', '{a,b}', '(a)', 'a|b', '^a', 'a$', '\\ ',
	'\\\\', '[b-a]x', '\\1', '\\x41', '[^/]'];

const LEADS = ['', '', '', '', '', '/', '!', '!', '**/', '!/', '#', '\\#',
	' ', '\t', '!**/', './', '../', '\ufeff', '\u00a0', '/!', ' !', '!!',
	'\u2028', '\u3000', '\v', '\f', '\\!', '\\ '];
const TRAILS = ['', '', '', '', '', '/', '/**', '/*', ' ', '\r', '\t',
	'  ', '\\ ', '/.', '/..', '\u00a0', '\ufeff', '\r\nb', '\nfoo', '\r/', '\u2028/',
	'/\r', 'x\ry', '\n', '\r\n', '\n!b', '\n#c', '/./', '//', '/../..'];

function genPattern(rnd, mode) {
	const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
	const extra = mode === 'docker' ? DOCKER_PIECES : GIT_PIECES;
	const n = 1 + Math.floor(rnd() * 3);
	const parts = [];
	for (let i = 0; i < n; i++) {
		let p = rnd() < 0.15 ? pick(extra) : pick(PIECES);
		if (rnd() < 0.15)
			p += rnd() < 0.5 ? pick(PIECES) : pick(extra);
		if (rnd() < 0.1)
			p = rnd() < 0.5 ? p.toUpperCase() : p.toLowerCase();
		parts.push(p);
	}
	let s = parts.join(rnd() < 0.9 ? '/' : '//');
	s = pick(LEADS) + s + pick(TRAILS);
	if (rnd() < 0.03)
		s = '';
	if (rnd() < 0.03)
		s = pick([' ', '!', '#', '/', '\\', '!/', '**', '!**', '  \t']);
	return s;
}

function genPath(rnd) {
	const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
	const depth = 1 + Math.floor(rnd() * 4);
	const parts = [];
	for (let i = 0; i < depth; i++) {
		let c = pick(NAMES);
		if (rnd() < 0.1)
			c = c.toUpperCase();
		parts.push(c);
	}
	if (rnd() < 0.02)
		return pick(['...', '....', 'a/...', '.../a', 'constructor',
			'toString', '__proto__', 'a/constructor']);
	return parts.join('/');
}

/* A path that a pattern may well match: wildcards and classes filled in,
 * anchors and negation dropped, sometimes with a suffix or prefix. */
function derivePath(rnd, pattern) {
	const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
	let p = pattern.split(/\r?\n/)[0].trim().replace(/^!+/, '')
	    .replace(/\\(.)/g, '$1');
	p = p.replace(/\*\*/g, () => pick(['a', 'a/b', 'x.txt', 'A/B/c']))
	    .replace(/\*/g, () => pick(['', 'a', 'x', 'Foo.TXT', '.h']))
	    .replace(/\?/g, () => pick(['a', 'B', '.']))
	    .replace(/\[\^?!?([^\]])[^\]]*\]/g, (m, c) => c)
	    .replace(/\{(\d)(,\d)?\}/g, (m, d) => 'a'.repeat(Number(d)))
	    .replace(/[()|+$^]/g, () => pick(['', 'a', '']));
	p = p.split('/').filter((c) => c !== '' && c !== '.' && c !== '..')
	    .join('/');
	if (rnd() < 0.3)
		p = p + '/' + pick(NAMES);
	if (rnd() < 0.3)
		p = pick(NAMES) + '/' + p;
	if (rnd() < 0.2)
		p = rnd() < 0.5 ? p.toUpperCase() : p.toLowerCase();
	p = p.split('/').filter((c) => c !== '' && c !== '.' && c !== '..')
	    .join('/');
	return p === '' ? pick(NAMES) : p;
}

/* Answers from aws-cdk-lib: per query true/false/'error'; a case whose
 * strategy cannot be built gives 'error' for all. */
function jsAnswers(c) {
	let strategy;
	try {
		strategy = c.mode === 'git'
		    ? IgnoreStrategy.git(ROOT, c.patterns.slice())
		    : IgnoreStrategy.docker(ROOT, c.patterns.slice());
	} catch (e) {
		return { compileError: true, answers: c.queries.map(() => 'error') };
	}
	const answers = c.queries.map(([rel, dir]) => {
		const abs = rel === '' ? ROOT : ROOT + '/' + rel;
		try {
			return dir ? strategy.completelyIgnores(abs)
			           : strategy.ignores(abs);
		} catch (e) {
			return 'error';
		}
	});
	return { compileError: false, answers };
}

function cAnswers(driver, cases) {
	const input = JSON.stringify(cases.map((c) => ({
		mode: c.mode, patterns: c.patterns, queries: c.queries,
	})));
	const out = execFileSync(driver, [], { input, maxBuffer: 1 << 28 });
	return JSON.parse(out.toString()).map((r, i) => {
		if (!Array.isArray(r))
			return { compileError: true,
				answers: cases[i].queries.map(() => 'error') };
		return { compileError: false,
			answers: r.map((x) => typeof x === 'boolean' ? x : 'error') };
	});
}

/* Fixed cases: invalid patterns and error paths. */
function fixedCases() {
	const q = (rels) => rels.flatMap((r) => [[r, false], [r, true]]);
	const qs = q(['a', 'a(', 'x/a(', 'sub', 'sub/keep', 'b', '...', '']);
	const docker = ['a(', '(', ')', 'a)', '[a', 'x/[', '+a', '*+',
		'a{2}{3}', 'a{3,2}', '?*', '**+', '\\', 'a\\', '(?:a)', 'a**b',
		'x/**+'];
	const cases = [];
	for (const p of docker) {
		cases.push({ mode: 'docker', patterns: [p], queries: qs });
		cases.push({ mode: 'docker', patterns: ['*', p], queries: qs });
	}
	/* invalid only in the second matcher's derived parent rules */
	for (const p of ['!(a/b)', '!x(/y', '/!a(/b/c', '!a[/b]'])
		cases.push({ mode: 'docker', patterns: ['*', p], queries: qs });
	const git = ['[+-!]', '[~-a]', 'x[b-a]', '[z-a]', '\\', 'a\\',
		'a\\\\\\', '[\\', '[]', '[a\\]', 'a(', '\\(', '[^]', '[', ']'];
	for (const p of git) {
		cases.push({ mode: 'git', patterns: [p], queries: qs });
		cases.push({ mode: 'git', patterns: ['!' + p, 'a'], queries: qs });
	}
	cases.push({ mode: 'git', patterns: ['x'], queries: qs });
	/*
	 * Patterns a backtracking engine takes exponential or cubic time on
	 * (the old C engine refused them as "too complex"): long names,
	 * kept short enough for V8 itself to answer quickly.
	 */
	const long = (c, n, tail) => c.repeat(n) + tail;
	const lq = q([long('a', 60, ''), long('a', 60, 'b'), 'd/' + long('a',
		60, 'b'), 'x/' + long('-', 40, '.lo'), 'x/' + long('-', 40,
		'.log'), long('-', 40, '.log')]);
	for (const mode of ['git', 'docker'])
		for (const p of ['*a*a*b', '**/*-*-*-*.log', '!*a*a*b'])
			cases.push({ mode, patterns: ['*', p], queries: lq });
	/* backreferences reach the regex in DOCKER mode */
	const bq = q(['aa', 'ab', 'abbc', 'abc', 'xyy', 'xyz', 'aa/b',
		'AA', 'xyY']);
	for (const p of ['(a)\\1', '(a|b)\\1*c', 'x(.)\\1', '(a)|\\1b',
		'(?:(a)|b)\\1', '!x(.)\\1'])
		cases.push({ mode: 'docker', patterns: ['*', p], queries: bq });
	/*
	 * Several files of one directory in a row, with negations, as a walk
	 * asks (DOCKER caches per directory which rules match a parent).
	 */
	const walk = q(['keep', 'keep/a', 'keep/x', 'keep/b.md', 'keep/sub',
		'keep/sub/x', 'keep/sub/y', 'other/a', 'other/x', 'keep/a',
		'a/b/c/d', 'a/b/c/e', 'a/b/x/d']);
	for (const mode of ['git', 'docker'])
		for (const ps of [['*', '!keep/**', 'keep/x'],
			['**/x', '!keep/x', 'a/b'], ['keep', '!keep/sub/**',
			'**/*.md'], ['a/**/d', '!a/b/c', 'other']])
			cases.push({ mode, patterns: ps, queries: walk });
	cases.push({ mode: 'docker', patterns: ['*'], queries:
		q(['constructor', 'toString', 'valueOf', '__proto__',
			'hasOwnProperty', 'a/constructor', '']) });
	return cases;
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	const t0 = Date.now();
	let failures = 0;
	const totals = { git: 0, docker: 0, fixed: 0 };
	const kinds = { true: 0, false: 0, error: 0 };
	for (let s = 0; s < args.seeds; s++) {
		const seed = args.seed + s;
		const rnd = prng(seed);
		const cases = [];
		for (const mode of ['git', 'docker']) {
			for (let i = 0; i < args.cases; i++) {
				/* mostly short lists, sometimes a long file */
				const np = rnd() < 0.1 ? 10 + Math.floor(rnd() * 16)
				    : 1 + Math.floor(rnd() * 5);
				const patterns = [];
				for (let k = 0; k < np; k++)
					patterns.push(genPattern(rnd, mode));
				const queries = [];
				for (let k = 0; k < 25; k++) {
					const p = rnd() < 0.5 ? genPath(rnd)
					    : derivePath(rnd, patterns[Math.floor(
					        rnd() * patterns.length)]);
					queries.push([p, rnd() < 0.4]);
				}
				cases.push({ mode, patterns, queries });
			}
		}
		const all = s === 0 ? cases.concat(fixedCases()) : cases;
		const got = cAnswers(path.resolve(args.driver), all);
		all.forEach((c, i) => {
			const exp = jsAnswers(c);
			const fixed = i >= cases.length;
			const key = fixed ? 'fixed' : c.mode;
			/*
			 * Docker compiles regexes lazily and throws at the
			 * first query; the C side rejects the patterns up
			 * front. Either way every query that JS runs through
			 * the regexes errors.
			 */
			c.queries.forEach(([rel, dir], k) => {
				totals[key]++;
				let e = exp.answers[k];
				kinds[String(e)]++;
				const g = got[i].answers[k];
				if (got[i].compileError && c.mode === 'docker' &&
				    !exp.compileError && e !== 'error' &&
				    exp.answers.includes('error'))
					e = 'error'; /* see above */
				if (e !== g) {
					failures++;
					if (failures <= 20)
						console.log(`MISMATCH seed ${seed} ` +
						    `${c.mode} patterns=` +
						    `${JSON.stringify(c.patterns)} ` +
						    `${dir ? 'dir' : 'file'}=` +
						    `${JSON.stringify(rel)} ` +
						    `js=${e} c=${g}`);
				}
			});
		});
	}
	const ms = Date.now() - t0;
	console.log(`queries: git ${totals.git}, docker ${totals.docker}, ` +
	    `fixed ${totals.fixed} (reference answers: ${kinds.true} true, ` +
	    `${kinds.false} false, ${kinds.error} errors); ` +
	    `mismatches ${failures}; ` +
	    `seeds ${args.seed}..${args.seed + args.seeds - 1}; ${ms} ms`);
	process.exit(failures === 0 ? 0 : 1);
}

main();
