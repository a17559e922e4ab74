#!/usr/bin/env node
/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/compat/jsre_diff.js - differential test of the internal
 * JavaScript regex engine against V8.
 *
 * usage: node jsre_diff.js DRIVER [--seed N] [--seeds N] [--cases N]
 *
 * Random patterns are assembled from regex tokens (groups, lookahead,
 * quantifiers and lazy ones, classes and Annex B escapes, backreferences,
 * case variants beyond ASCII) and run with and without the i flag on
 * random subjects. Compile errors must agree, and matches must agree on
 * every capture offset (V8's d flag).
 */
'use strict';

const { execFileSync } = require('child_process');
const path = require('path');

const TOKENS = ['a', 'b', 'A', 'B', '/', '.', '\\', '(', ')', '|', '[',
	']', '{', '}', '*', '+', '?', '^', '$', '-', ',', '0', '1', '2', '3',
	'8', '(?:', '(?=', '(?!', '\\d', '\\w', '\\s', '\\b', '\\B', '\\1',
	'\\2', '\\c', 'x', 'u', '\\x41', '\\u0062', 'k', '_', '\u017f', 'K',
	'\u00e9', '\u00c9', ' ', 'a*', 'b+', 'a?', '{2}', '{1,2}', '{2,}',
	'[a-z]', '[^/]', '\\0', '\\01', '\\8', '\\cA', '[\\d-z]', '[z-a]',
	'\\D', '\\W', '\\S', '\\t', '\\n', '\\-', '[\\b]', '[\\c1]', '[\\c]',
	'(a)*', '(a|b)*?', '((a)|b)+', '\\3', '(?=(a))', '(?!(a))', '\\10',
	'\\00', '\\377', '\\400', '[\\1-\\3]', '[\\w-]', '[a-\\d]', '\\u212a',
	'\u03c3', '\u03a3', '\u03c2', '\u00ff', '\u0178', '\u00b5', '\u039c',
	'\u0131', '\u0130', '{0,}', '{0}?', '*?', '+?', '??'];
const ALPHABET = ['a', 'b', 'A', 'B', '/', '.', '-', '0', '1', 'x', '_',
	' ', '\u017f', 'K', '\u00e9', '\u00c9', 'k', '\\', '{', '}', 'u',
	'\u212a', 'S', 's', '\u03c3', '\u03a3', '\u03c2', '\u00ff', '\u0178',
	'\u00b5', '\u039c', '\u0131', '\u0130', '\x01', '\x08', '\n',
	'\u2028', '\u{1F600}'];

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

function v8(c) {
	try {
		const m = new RegExp(c[0], c[1] + 'd').exec(c[2]);
		if (!m)
			return null;
		return m.indices.flatMap((x) => (x ? x : [-1, -1]));
	} catch (e) {
		return 'error';
	}
}

function main() {
	const argv = process.argv.slice(2);
	let driver = null, seed = 1, seeds = 1, count = 3000;
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--seed') seed = Number(argv[++i]);
		else if (argv[i] === '--seeds') seeds = Number(argv[++i]);
		else if (argv[i] === '--cases') count = Number(argv[++i]);
		else driver = argv[i];
	}
	if (!driver) {
		console.error('usage: jsre_diff.js DRIVER [--seed N] ' +
		    '[--seeds N] [--cases N]');
		process.exit(2);
	}
	let total = 0, errors = 0, matches = 0, bad = 0;
	for (let s = seed; s < seed + seeds; s++) {
		const rnd = prng(s);
		const pick = (a) => a[Math.floor(rnd() * a.length)];
		const cases = [];
		for (let i = 0; i < count; i++) {
			let p = '';
			const n = 1 + Math.floor(rnd() * 8);
			for (let k = 0; k < n; k++)
				p += pick(TOKENS);
			let str = '';
			const len = Math.floor(rnd() * 8);
			/* half the subjects reuse the pattern's characters */
			const chars = rnd() < 0.5 ? ALPHABET : [...p];
			for (let k = 0; k < len; k++)
				str += pick(chars);
			cases.push([p, rnd() < 0.5 ? 'i' : '', str]);
		}
		const out = JSON.parse(execFileSync(path.resolve(driver), [],
		    { input: JSON.stringify(cases), maxBuffer: 1 << 28 })
		    .toString());
		cases.forEach((c, i) => {
			const exp = v8(c);
			const g = out[i];
			const got = g && !Array.isArray(g)
			    ? (g.error ? 'error' : 'limit') : g;
			total++;
			if (exp === 'error') errors++;
			else if (exp) matches++;
			if (JSON.stringify(exp) !== JSON.stringify(got)) {
				bad++;
				if (bad <= 20)
					console.log(`MISMATCH seed ${s} ` +
					    `/${c[0]}/${c[1]} on ` +
					    `${JSON.stringify(c[2])}: v8 ` +
					    `${JSON.stringify(exp)} c ` +
					    `${JSON.stringify(got)}`);
			}
		});
	}
	console.log(`regexes: ${total} (${errors} syntax errors, ${matches} ` +
	    `matches); mismatches ${bad}`);
	process.exit(bad === 0 ? 0 : 1);
}

main();
