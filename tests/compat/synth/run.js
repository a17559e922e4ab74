#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/synth/run.js - differential synth test: every case of
// cases.js is synthesized by aws-cdk-lib 2.276.0 (oracle.js) and by
// `ecr-assets synth --app app.json`, and the two cloud assemblies are
// compared (compare.js says what is compared and what is normalised).
//
//   node run.js --ecr-assets PATH [--filter SUBSTRING] [--keep] [--list]
//
// Each side runs in its own copy of the case tree (cwd = the copy), with
// the same cdk.json / cdk.context.json / -c arguments. The oracle gets the
// context the CLI reads (cdk CLI precedence: -c, then cdk.json "context",
// then cdk.context.json; the app file's own "context" is below all three).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { compareAssemblies } = require('./compare');
const cases = require('./cases');

const args = process.argv.slice(2);
const opt = { filter: '', keep: false, list: false, bin: null };
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--ecr-assets')
		opt.bin = path.resolve(args[++i]);
	else if (args[i] === '--filter')
		opt.filter = args[++i];
	else if (args[i] === '--keep')
		opt.keep = true;
	else if (args[i] === '--list')
		opt.list = true;
	else {
		process.stderr.write(`run.js: unknown argument '${args[i]}'\n`);
		process.exit(2);
	}
}
if (opt.list) {
	for (const c of cases)
		console.log(c.name);
	process.exit(0);
}
if (!opt.bin) {
	process.stderr.write('run.js: --ecr-assets PATH is required\n');
	process.exit(2);
}

const names = new Set();
for (const c of cases) {
	if (names.has(c.name))
		throw new Error(`duplicate case name ${c.name}`);
	names.add(c.name);
}

function writeTree(root, c) {
	fs.mkdirSync(root, { recursive: true });
	for (const [rel, content] of Object.entries(c.files)) {
		const p = path.join(root, rel);
		fs.mkdirSync(path.dirname(p), { recursive: true });
		if (typeof content === 'string')
			fs.writeFileSync(p, content);
		else if (content.link !== undefined)
			fs.symlinkSync(content.link, p);
		else
			fs.writeFileSync(p, Buffer.from(content.hex, 'hex'));
	}
	fs.writeFileSync(path.join(root, 'app.json'),
		JSON.stringify(c.app, null, 2) + '\n');
	if (c.cdkJson)
		fs.writeFileSync(path.join(root, 'cdk.json'),
			JSON.stringify(c.cdkJson, null, 2));
	if (c.contextJson)
		fs.writeFileSync(path.join(root, 'cdk.context.json'),
			JSON.stringify(c.contextJson, null, 2));
}

function cliContext(c) {
	const ctx = {};
	for (const a of c.cli || []) {
		const i = a.indexOf('=');
		ctx[a.slice(0, i)] = a.slice(i + 1);
	}
	return Object.assign({}, c.contextJson || {},
		(c.cdkJson && c.cdkJson.context) || {}, ctx);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecra-synth-compat-'));
const selected = cases.filter((c) => c.name.includes(opt.filter));

// Phase 1: write both trees of every case and list the oracle's jobs.
const jobs = [];
const plan = selected.map((c) => {
	const root = path.join(tmp, c.name);
	const p = {
		c, root,
		oursDir: path.join(root, 'ours'),
		cdkDir: path.join(root, 'cdk'),
		problems: [],
	};
	p.outOurs = c.outdir || path.join(p.oursDir, 'out');
	p.outCdk = c.outdir || path.join(p.cdkDir, 'out');
	writeTree(p.oursDir, c);
	writeTree(p.cdkDir, c);
	let context = cliContext(c);
	if (c.expect === 'cdk-rejects') {
		// aws-cdk-lib must refuse the app; ours ignores the flag, so it
		// is compared with aws-cdk-lib's output for the app without it
		const rejDir = path.join(root, 'cdk-rejects');
		writeTree(rejDir, c);
		p.rejectJob = jobs.length;
		jobs.push({ dir: rejDir, app: 'app.json',
			outdir: path.join(rejDir, 'out'), context });
		context = Object.fromEntries(Object.entries(context).filter(
			([k]) => k !== '@aws-cdk/aws-ecr-assets:dockerIgnoreSupport'));
	}
	p.job = jobs.length;
	jobs.push({ dir: p.cdkDir, app: 'app.json', outdir: p.outCdk, context });
	return p;
});

// Phase 2: aws-cdk-lib synthesizes everything in one node process.
// CDK_DOCKER changes tarball loaders; both sides run without it.
const baseEnv = Object.assign({}, process.env, { HOME: tmp });
delete baseEnv.CDK_DOCKER;
const jobsFile = path.join(tmp, 'jobs.json');
fs.writeFileSync(jobsFile, JSON.stringify(jobs));
const ro = spawnSync(process.execPath, [path.join(__dirname, 'oracle.js'),
	'--batch', jobsFile], { encoding: 'utf8', maxBuffer: 1 << 26,
	env: baseEnv });
if (ro.status !== 0) {
	process.stderr.write(`oracle failed: ${ro.stderr}\n`);
	process.exit(1);
}
const results = ro.stdout.trim().split('\n').map((l) => JSON.parse(l));

// Phase 3: ecr-assets synthesizes each case; compare.
let failed = 0;
let passed = 0;
for (const p of plan) {
	const { c } = p;
	if (p.rejectJob !== undefined && results[p.rejectJob].ok)
		p.problems.push('aws-cdk-lib was expected to reject this app but did not');
	const norm = (m) => m.split(p.oursDir).join('<CASE>')
		.split(p.cdkDir).join('<CASE>').replace(/^ecra: (app\.json: )?[^:]*: /, '');
	if (c.expect === 'both-reject') {
		const cmd = ['synth', '--app', 'app.json', '-o', p.outOurs];
		const r = spawnSync(opt.bin, cmd, { cwd: p.oursDir,
			encoding: 'utf8', env: baseEnv });
		const cdkErr = results[p.job].ok ? null : norm(results[p.job].error);
		const ourErr = norm((r.stderr || '').trim());
		if (cdkErr === null)
			p.problems.push('aws-cdk-lib was expected to reject this app');
		else if (r.status !== 1)
			p.problems.push(`ecr-assets exit ${r.status}, expected 1`);
		else if (ourErr !== cdkErr)
			p.problems.push(`errors differ: ours '${ourErr}' / cdk '${cdkErr}'`);
		report(p);
		continue;
	}
	if (!results[p.job].ok)
		p.problems.push(`aws-cdk-lib failed: ${results[p.job].error}`);

	const cmd = ['synth', '--app', 'app.json', '-o', p.outOurs];
	for (const a of c.cli || [])
		cmd.push('-c', a);
	const r = spawnSync(opt.bin, cmd, { cwd: p.oursDir, encoding: 'utf8',
		env: baseEnv });
	if (r.status !== 0)
		p.problems.push(`ecr-assets synth failed (${r.status}): ${(r.stderr || '').trim()}`);

	if (!p.problems.length) {
		p.problems.push(...compareAssemblies(
			path.resolve(p.oursDir, p.outOurs),
			path.resolve(p.cdkDir, p.outCdk),
			[p.oursDir, p.cdkDir, fs.realpathSync(p.oursDir),
				fs.realpathSync(p.cdkDir)], c.stale || []));
	}
	report(p);
}

function report(p) {
	if (p.problems.length) {
		failed++;
		console.log(`FAIL ${p.c.name}`);
		for (const x of p.problems)
			console.log(`     ${x}`);
	} else {
		passed++;
		console.log(`ok   ${p.c.name}`);
	}
}
console.log(`\nsynth compat: ${passed}/${selected.length} cases match aws-cdk-lib 2.276.0`);
if (opt.keep || failed)
	console.log(`work tree kept in ${tmp}`);
else
	fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
