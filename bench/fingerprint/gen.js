#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// bench/fingerprint/gen.js - deterministic workloads for the fingerprint
// benchmark. Usage: gen.js WORKDIR [small|text|bin1|bin8|mini]...
// (no names: all but mini). A workload already complete (its .done
// marker exists) is left alone.
//
//   small  20 000 small text files (100 B - 4 KiB) in 200 directories
//   text   1 GiB of text in 16 files of 64 MiB: lines of words with LF and
//          CRLF endings, some UTF-8 (é, €, emoji), no NUL
//   bin1   one 1 GiB binary file (AES-128-CTR keystream: contains NULs)
//   bin8   8 binary files of 128 MiB
//   mini   the callgrind workload: 2 000 small files, 8 MiB text, 8 MiB
//          binary
//
// Contents come from fixed keys and seeds, so every run builds the same
// bytes.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const MiB = 1 << 20;

function keystream(label) {
	const key = crypto.createHash('sha256').update(label).digest()
	    .subarray(0, 16);
	const c = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
	const zeros = Buffer.alloc(4 * MiB);
	return n => {
		const parts = [];
		let left = n;
		while (left > 0) {
			const k = Math.min(left, zeros.length);
			parts.push(c.update(zeros.subarray(0, k)));
			left -= k;
		}
		return parts.length === 1 ? parts[0] : Buffer.concat(parts);
	};
}

const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy',
	'dog', 'café', 'naïve', 'prix', '10€', 'ünïcödé', '🚀', 'FROM',
	'RUN', 'apt-get', 'install', '-y', '&&', 'COPY', '.', '/app', '{',
	'}', 'return', '0;', 'const', 'x', '=', '"string"', '//', 'comment'];

// Text of exactly n bytes (the last line may be cut).
function text(rnd, n) {
	const out = Buffer.alloc(n);
	let pos = 0;
	const r = rnd(Math.min(n, 64 * MiB) + 16);
	let ri = 0;
	const next = () => r[(ri++) % r.length];
	while (pos < n) {
		const words = 3 + (next() & 15);
		let line = '';
		for (let i = 0; i < words; i++)
			line += (i ? ' ' : '') + WORDS[next() % WORDS.length];
		line += (next() & 3) === 0 ? '\r\n' : '\n';
		const w = out.write(line, pos);
		if (w === 0) // no room for a whole multi-byte character
			out.fill(0x0a, pos);
		pos = w === 0 ? n : pos + w;
	}
	return out;
}

function writeFile(p, data) {
	fs.mkdirSync(path.dirname(p), { recursive: true });
	fs.writeFileSync(p, data);
}

function small(dir, nfiles, ndirs, label) {
	const rnd = keystream(label);
	const sizes = rnd(nfiles * 2);
	const perDir = Math.ceil(nfiles / ndirs);
	for (let i = 0; i < nfiles; i++) {
		const size = 100 + (sizes.readUInt16LE(2 * i) % 3997);
		const d = `d${String(Math.floor(i / perDir)).padStart(3, '0')}`;
		writeFile(path.join(dir, d, `f${i}.txt`), text(rnd, size));
	}
}

const WORKLOADS = {
	small(dir) {
		small(dir, 20000, 200, 'small');
	},
	text(dir) {
		const rnd = keystream('text');
		for (let i = 0; i < 16; i++)
			writeFile(path.join(dir, `t${i}.txt`), text(rnd, 64 * MiB));
	},
	bin1(dir) {
		const rnd = keystream('bin1');
		const fd = fs.openSync(path.join(dir, 'big.bin'), 'w');
		for (let i = 0; i < 64; i++)
			fs.writeSync(fd, rnd(16 * MiB));
		fs.closeSync(fd);
	},
	bin8(dir) {
		const rnd = keystream('bin8');
		for (let i = 0; i < 8; i++) {
			const fd = fs.openSync(path.join(dir, `b${i}.bin`), 'w');
			for (let k = 0; k < 8; k++)
				fs.writeSync(fd, rnd(16 * MiB));
			fs.closeSync(fd);
		}
	},
	mini(dir) {
		small(path.join(dir, 'small'), 2000, 20, 'mini');
		writeFile(path.join(dir, 'text.txt'), text(keystream('minit'),
		    8 * MiB));
		writeFile(path.join(dir, 'bin.bin'), keystream('minib')(8 * MiB));
	},
};

function main(argv) {
	const work = argv[0];
	if (!work) {
		process.stderr.write('usage: gen.js WORKDIR [workload]...\n');
		return 2;
	}
	const names = argv.length > 1 ? argv.slice(1) :
	    ['small', 'text', 'bin1', 'bin8'];
	for (const n of names) {
		if (!WORKLOADS[n]) {
			process.stderr.write(`gen.js: unknown workload '${n}'\n`);
			return 2;
		}
		const dir = path.join(work, n);
		if (fs.existsSync(path.join(work, `${n}.done`)))
			continue;
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const t0 = Date.now();
		WORKLOADS[n](dir);
		fs.writeFileSync(path.join(work, `${n}.done`), '');
		process.stderr.write(`generated ${n} in ${(Date.now() - t0) / 1000} s\n`);
	}
	return 0;
}

process.exitCode = main(process.argv.slice(2));
