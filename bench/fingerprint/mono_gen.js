#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// bench/fingerprint/mono_gen.js - a monorepo-like Docker build context for
// the fingerprint benchmark. Usage: mono_gen.js DIR [SCALE]
//
// At SCALE 1 (also $ECRA_BENCH_SCALE; 0.1 for a quick run): four JS
// packages (web, api, worker, shared), each with src/, test/, docs and a
// node_modules of ~150 packages (package.json, lib/*.js, *.d.ts,
// README.md, test/ subtrees, a few prebuilt binaries), ~33 000 files and
// ~880 MB in all; a real git repository (`git init`, several commits of the
// sources, `git gc` so .git holds packs, plus thousands of refs: tags and
// remote branches, loose and packed); and the .dockerignore people write:
// `.git`, `**/*.md` with a `!` re-include, `**/test` subtrees, `*.d.ts`,
// `*.log`, comments. Contents are deterministic (fixed seeds). Writes
// DIR.done when complete; an existing DIR.done means nothing to do.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const cp = require('child_process');

const dir = process.argv[2];
const scale = Number(process.argv[3] || process.env.ECRA_BENCH_SCALE || 1);
if (!dir || !(scale > 0)) {
	process.stderr.write('usage: mono_gen.js DIR [SCALE]\n');
	process.exit(2);
}
if (fs.existsSync(`${dir}.done`))
	process.exit(0);
fs.rmSync(dir, { recursive: true, force: true });

const MiB = 1 << 20;
let seed = 0x12345678;
function rand() { // xorshift32
	seed ^= seed << 13; seed >>>= 0;
	seed ^= seed >>> 17;
	seed ^= seed << 5; seed >>>= 0;
	return seed;
}
const key = crypto.createHash('sha256').update('mono').digest().subarray(0, 16);
const cipher = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
function binary(n) {
	return cipher.update(Buffer.alloc(n));
}
const WORDS = ['const', 'let', 'function', 'return', 'export', 'import',
	'from', 'module', 'exports', 'require', 'if', 'else', 'value', 'props',
	'state', 'this', 'new', 'Promise', 'async', 'await', '=>', '{', '}',
	'(', ')', ';', '=', '+', 'null', 'undefined', '"use strict"', '// é'];
function code(n) {
	let s = '';
	while (s.length < n) {
		const k = 4 + (rand() & 7);
		for (let i = 0; i < k; i++)
			s += WORDS[rand() % WORDS.length] + ' ';
		s += '\n';
	}
	return s.slice(0, n);
}
function size(min, max) {
	return min + (rand() % (max - min));
}

let files = 0, bytes = 0;
function put(rel, data) {
	const p = path.join(dir, rel);
	fs.mkdirSync(path.dirname(p), { recursive: true });
	fs.writeFileSync(p, data);
	files++;
	bytes += data.length;
}

const packages = ['web', 'api', 'worker', 'shared'];
// ~33 000 files at scale 1: per package 150 modules of ~52 files, plus
// sources; a few large prebuilt binaries make most of the bytes.
const modulesPerPkg = Math.max(2, Math.round(150 * scale));
const bigPerPkg = Math.max(1, Math.round(9 * scale));
for (const pkg of packages) {
	const root = `packages/${pkg}`;
	put(`${root}/package.json`, JSON.stringify({ name: `@mono/${pkg}`, version: '1.0.0' }, null, 2));
	put(`${root}/README.md`, `# ${pkg}\n\n${code(800)}`);
	put(`${root}/tsconfig.json`, '{"compilerOptions": {"strict": true}}\n');
	for (let i = 0; i < Math.max(4, Math.round(120 * scale)); i++) {
		put(`${root}/src/mod${i % 10}/file${i}.ts`, code(size(500, 6000)));
		if (i % 3 === 0)
			put(`${root}/src/mod${i % 10}/file${i}.d.ts`, code(size(100, 800)));
		if (i % 4 === 0)
			put(`${root}/test/mod${i % 10}/file${i}.test.ts`, code(size(300, 3000)));
	}
	put(`${root}/docs/guide.md`, code(3000));
	put(`${root}/npm-debug.log`, code(2000));
	for (let m = 0; m < modulesPerPkg; m++) {
		const mod = `${root}/node_modules/${m % 7 === 0 ? `@scope${m % 5}/` : ''}mod-${pkg}-${m}`;
		put(`${mod}/package.json`, JSON.stringify({ name: `mod-${m}`, main: 'lib/index.js' }));
		put(`${mod}/README.md`, code(size(500, 4000)));
		put(`${mod}/LICENSE`, 'MIT License\n' + code(900));
		put(`${mod}/CHANGELOG.md`, code(size(500, 3000)));
		for (let f = 0; f < 34; f++)
			put(`${mod}/lib/${f % 4 ? 'sub/' : ''}f${f}.js`, code(size(200, 5000)));
		for (let f = 0; f < 8; f++)
			put(`${mod}/lib/f${f}.d.ts`, code(size(100, 2000)));
		for (let f = 0; f < 5; f++)
			put(`${mod}/test/t${f}.js`, code(size(200, 2000)));
	}
	for (let b = 0; b < bigPerPkg; b++)
		put(`${root}/node_modules/.bin-native/native${b}.node`, binary(size(18, 26) * MiB));
}
put('README.md', '# mono\n' + code(2000));
put('CONTRIBUTING.md', code(2000));
put('package.json', JSON.stringify({ private: true, workspaces: ['packages/*'] }));
put('Dockerfile', 'FROM node:20\nCOPY . /app\nRUN npm ci\n');
put('.gitignore', 'node_modules\n*.log\n');
put('.dockerignore', [
	'# version control and tooling',
	'.git',
	'**/*.md',
	'!README.md',
	'# tests are not shipped',
	'**/test',
	'*.d.ts',
	'**/*.d.ts',
	'*.log',
	'**/*.log',
	'',
].join('\n'));

// A real .git: several commits of the sources, packed, with many refs.
function git(args, input) {
	return cp.execFileSync('git', args, {
		cwd: dir, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
		env: Object.assign({}, process.env, {
			GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid',
			GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid',
			GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
		}),
	}).toString();
}
git(['init', '-q', '-b', 'main']);
git(['add', '-A']);
git(['commit', '-q', '-m', 'initial']);
for (let c = 1; c <= 5; c++) {
	for (const pkg of packages)
		fs.appendFileSync(path.join(dir, `packages/${pkg}/src/mod0/file0.ts`), code(200));
	git(['commit', '-q', '-a', '-m', `change ${c}`]);
}
git(['gc', '-q']);
const head = git(['rev-parse', 'HEAD']).trim();
const nrefs = Math.max(50, Math.round(3000 * scale));
let refs = '';
for (let i = 0; i < nrefs; i++)
	refs += `create refs/${i % 2 ? 'tags/v' : 'remotes/origin/feature-'}${i} ${head}\n`;
git(['update-ref', '--stdin'], refs);
git(['pack-refs', '--all']);
refs = '';
for (let i = 0; i < nrefs / 3; i++)
	refs += `create refs/heads/topic-${i} ${head}\n`;
git(['update-ref', '--stdin'], refs); // these stay loose
let gitFiles = 0;
(function count(d) {
	for (const e of fs.readdirSync(d, { withFileTypes: true }))
		e.isDirectory() ? count(path.join(d, e.name)) : gitFiles++;
})(path.join(dir, '.git'));
fs.writeFileSync(`${dir}.done`,
    `scale ${scale}: ${files} files, ${(bytes / 1e6).toFixed(0)} MB outside .git; .git has ${gitFiles} files\n`);
process.stdout.write(fs.readFileSync(`${dir}.done`, 'utf8'));
