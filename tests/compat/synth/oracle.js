#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/synth/oracle.js - the reference interpreter of the declarative
// app file (app.json): builds the same app with aws-cdk-lib 2.276.0 and
// synthesizes it, so the differential test can compare its cloud assembly
// with the one `ecr-assets synth --app app.json` writes.
//
//   node oracle.js APP.json OUTDIR [CONTEXT.json]
//   node oracle.js --batch JOBS.json
//
// --batch runs many apps in one process (loading aws-cdk-lib once): JOBS is
// [{dir, app, outdir, context}], each run with `dir` as the working
// directory; the result is printed as one JSON line per job:
// {"ok": true} or {"ok": false, "error": "..."}.
//
// OUTDIR is given to `new App({outdir})` verbatim (relative outdirs matter:
// see spec §4.2 step 5). CONTEXT.json, when given, is the merged context (an
// object) the CLI would pass; it is given to the App as `context`, and the
// app file's own "context" is merged under it, exactly as ecr-assets does.
// Relative paths in the app file resolve against the file's folder.
'use strict';

const fs = require('fs');
const path = require('path');
const cdk = require('aws-cdk-lib');
const ecrAssets = require('aws-cdk-lib/aws-ecr-assets');
const iam = require('aws-cdk-lib/aws-iam');

function fail(msg) {
	throw new Error(`oracle: ${msg}`);
}


function networkMode(m) {
	if (m === undefined)
		return undefined;
	if (m === 'default')
		return ecrAssets.NetworkMode.DEFAULT;
	if (m === 'host')
		return ecrAssets.NetworkMode.HOST;
	if (m === 'none')
		return ecrAssets.NetworkMode.NONE;
	if (m.startsWith('container:'))
		return ecrAssets.NetworkMode.fromContainer(
			m.slice('container:'.length));
	return ecrAssets.NetworkMode.custom(m);
}

function platform(p) {
	if (p === undefined)
		return undefined;
	if (p === 'linux/amd64')
		return ecrAssets.Platform.LINUX_AMD64;
	if (p === 'linux/arm64')
		return ecrAssets.Platform.LINUX_ARM64;
	return ecrAssets.Platform.custom(p);
}

const IGNORE = { glob: cdk.IgnoreMode.GLOB, git: cdk.IgnoreMode.GIT,
	docker: cdk.IgnoreMode.DOCKER };
const FOLLOW = { never: cdk.SymlinkFollowMode.NEVER,
	always: cdk.SymlinkFollowMode.ALWAYS,
	external: cdk.SymlinkFollowMode.EXTERNAL,
	'block-external': cdk.SymlinkFollowMode.BLOCK_EXTERNAL };

function imageProps(a, rel) {
	const p = {};
	for (const [k, v] of Object.entries(a)) {
		switch (k) {
		case 'id':
			break;
		case 'directory':
			p.directory = rel(v);
			break;
		case 'networkMode':
			p.networkMode = networkMode(v);
			break;
		case 'platform':
			p.platform = platform(v);
			break;
		case 'ignoreMode':
			if (!(v in IGNORE))
				fail(`bad ignoreMode '${v}'`);
			p.ignoreMode = IGNORE[v];
			break;
		case 'followSymlinks':
			if (!(v in FOLLOW))
				fail(`bad followSymlinks '${v}'`);
			p.followSymlinks = FOLLOW[v];
			break;
		default:
			p[k] = v;
		}
	}
	return p;
}

function synthApp(appFile, outdir, extraContext) {
	const spec = JSON.parse(fs.readFileSync(appFile, 'utf8'));
	const base = path.dirname(path.resolve(appFile));
	const rel = (p) => path.resolve(base, p);
	const context = Object.assign({}, spec.context || {}, extraContext || {});
	const app = new cdk.App({ outdir, context });

	for (const s of spec.stacks || []) {
		const synthProps = s.synthesizer || {};
		const stackProps = {};
		if (s.env)
			stackProps.env = s.env;
		if (s.stackName !== undefined)
			stackProps.stackName = s.stackName;
		if (s.description !== undefined)
			stackProps.description = s.description;
		if (s.terminationProtection !== undefined)
			stackProps.terminationProtection = s.terminationProtection;
		if (s.synthesizer)
			stackProps.synthesizer =
				new cdk.DefaultStackSynthesizer(synthProps);
		const stack = new cdk.Stack(app, s.id, stackProps);
		const assets = new Map();
		for (const a of s.dockerImageAssets || [])
			assets.set(a.id, new ecrAssets.DockerImageAsset(stack, a.id,
				imageProps(a, rel)));
		for (const t of s.tarballImageAssets || []) {
			const p = { tarballFile: rel(t.tarballFile) };
			if (t.displayName !== undefined)
				p.displayName = t.displayName;
			assets.set(t.id, new ecrAssets.TarballImageAsset(stack, t.id, p));
		}
		const asset = (id) => {
			if (!assets.has(id))
				fail(`no asset '${id}' in stack '${s.id}'`);
			return assets.get(id);
		};
		for (const r of s.roles || []) {
			let role;
			if (r.roleArn !== undefined)
				role = iam.Role.fromRoleArn(stack, r.id, r.roleArn);
			else
				role = new iam.Role(stack, r.id, {
					assumedBy: new iam.ServicePrincipal(r.assumedBy),
				});
			for (const id of r.pull || [])
				asset(id).repository.grantPull(role);
			for (const id of r.read || [])
				asset(id).repository.grantRead(role);
		}
		for (const o of s.outputs || []) {
			let value;
			if (o.imageUri !== undefined)
				value = asset(o.imageUri).imageUri;
			else if (o.imageTag !== undefined)
				value = asset(o.imageTag).imageTag;
			else if (o.assetHash !== undefined)
				value = asset(o.assetHash).assetHash;
			else if (o.repositoryName !== undefined)
				value = asset(o.repositoryName).repository.repositoryName;
			else if (o.value !== undefined)
				value = o.value;
			else
				fail(`output '${o.id}' has no value`);
			const props = { value };
			if (o.description !== undefined)
				props.description = o.description;
			if (o.exportName !== undefined)
				props.exportName = o.exportName;
			new cdk.CfnOutput(stack, o.id, props);
		}
	}

	app.synth();
}

const argv = process.argv.slice(2);
if (argv[0] === '--batch') {
	const jobs = JSON.parse(fs.readFileSync(argv[1], 'utf8'));
	const home = process.cwd();
	for (const j of jobs) {
		process.chdir(j.dir);
		try {
			synthApp(j.app, j.outdir, j.context);
			console.log(JSON.stringify({ ok: true }));
		} catch (e) {
			console.log(JSON.stringify({ ok: false,
				error: String(e && e.message || e) }));
		}
		process.chdir(home);
	}
} else {
	const [appFile, outdir, contextFile] = argv;
	if (!appFile || !outdir)
		fail('usage: oracle.js APP.json OUTDIR [CONTEXT.json] | --batch JOBS.json');
	try {
		synthApp(appFile, outdir, contextFile ?
			JSON.parse(fs.readFileSync(contextFile, 'utf8')) : {});
	} catch (e) {
		process.stderr.write(`${e.message}\n`);
		process.exit(1);
	}
}
