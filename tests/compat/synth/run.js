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

function runOracle(dir, outdir, context) {
	const ctxFile = path.join(dir, '..', `oracle-context-${path.basename(dir)}.json`);
	fs.writeFileSync(ctxFile, JSON.stringify(context));
	return spawnSync(process.execPath, [path.join(__dirname, 'oracle.js'),
		'app.json', outdir, ctxFile], { cwd: dir, encoding: 'utf8',
		env: Object.assign({}, process.env, { CDK_DOCKER: undefined }) });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecra-synth-compat-'));
let failed = 0;
let passed = 0;
const selected = cases.filter((c) => c.name.includes(opt.filter));
for (const c of selected) {
	const root = path.join(tmp, c.name);
	const oursDir = path.join(root, 'ours');
	const cdkDir = path.join(root, 'cdk');
	writeTree(oursDir, c);
	writeTree(cdkDir, c);
	const outOurs = c.outdir || path.join(oursDir, 'out');
	const outCdk = c.outdir || path.join(cdkDir, 'out');
	const problems = [];

	let context = cliContext(c);
	if (c.expect === 'cdk-rejects') {
		const r = runOracle(cdkDir, outCdk, context);
		if (r.status === 0)
			problems.push('aws-cdk-lib was expected to reject this app but did not');
		// ours ignores the flag; compare with cdk's output without it
		context = Object.fromEntries(Object.entries(context).filter(
			([k]) => k !== '@aws-cdk/aws-ecr-assets:dockerIgnoreSupport'));
		fs.rmSync(path.join(cdkDir, 'cdk.json'), { force: true });
		writeTree(cdkDir, Object.assign({}, c, { cdkJson: undefined }));
	}
	const rc = runOracle(cdkDir, outCdk, context);
	if (rc.status !== 0)
		problems.push(`aws-cdk-lib failed: ${rc.stderr.trim()}`);

	const cmd = [opt.bin, 'synth', '--app', 'app.json', '-o', outOurs];
	for (const a of c.cli || [])
		cmd.push('-c', a);
	const ro = spawnSync(cmd[0], cmd.slice(1), { cwd: oursDir, encoding: 'utf8' });
	if (ro.status !== 0)
		problems.push(`ecr-assets synth failed (${ro.status}): ${(ro.stderr || '').trim()}`);

	if (!problems.length) {
		const absOurs = path.resolve(oursDir, outOurs);
		const absCdk = path.resolve(cdkDir, outCdk);
		problems.push(...compareAssemblies(absOurs, absCdk,
			[oursDir, cdkDir, fs.realpathSync(oursDir),
			fs.realpathSync(cdkDir)]));
	}
	if (problems.length) {
		failed++;
		console.log(`FAIL ${c.name}`);
		for (const p of problems)
			console.log(`     ${p}`);
	} else {
		passed++;
		console.log(`ok   ${c.name}`);
	}
}
console.log(`\nsynth compat: ${passed}/${selected.length} cases match aws-cdk-lib 2.276.0`);
if (opt.keep || failed)
	console.log(`work tree kept in ${tmp}`);
else
	fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
