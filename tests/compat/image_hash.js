#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/image_hash.js - `ecr-assets hash --image DIR [options]`
// against aws-cdk-lib 2.276.0's DockerImageAsset on the same directory:
// for each option set the asset's assetHash (and imageTag) must equal what
// ecr-assets prints.
//
//   image_hash.js --cli BUILD/ecr-assets
//
// The context has a .dockerignore with a re-include and comments, a second
// Dockerfile, a cdk.out inside (excluded through the outdir), a secret
// file and a link. aws-cdk-lib's fingerprint disk cache is off (HOME
// cannot hold it); ecr-assets's is on (a private XDG_CACHE_HOME), so the
// runs after the first are warm.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

process.env.HOME = '/dev/null/ecra-no-fingerprint-cache';
const cdk = require('aws-cdk-lib');
const ecrAssets = require('aws-cdk-lib/aws-ecr-assets');

function arg(name) {
	const i = process.argv.indexOf(name);
	return i > 0 ? process.argv[i + 1] : undefined;
}
const cli = arg('--cli') && path.resolve(arg('--cli'));
if (!cli) {
	process.stderr.write('usage: image_hash.js --cli ECR-ASSETS\n');
	process.exit(2);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecra-imagehash-'));
const dir = path.join(tmp, 'img');
function put(rel, text) {
	fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
	fs.writeFileSync(path.join(dir, rel), text);
}
put('Dockerfile', 'FROM scratch\nCOPY . /\n');
put('Dockerfile.alt', 'FROM scratch AS t\nCOPY app /app\n');
put('.dockerignore', '# comment\n*.log\n**/*.md\n!README.md\ntest\n');
put('README.md', 'readme\n');
put('doc/x.md', 'x\n');
put('app/main.js', 'console.log(1);\r\n');
put('app/debug.log', 'log\n');
put('test/t.js', 't\n');
put('cdk.out/manifest.json', '{}\n');
put('secret.txt', 's3cret\n');
fs.symlinkSync('app/main.js', path.join(dir, 'link.js'));
process.chdir(tmp);

const E = ecrAssets;
const cases = [
	{ name: 'defaults', props: {}, args: [] },
	{
		name: 'build args, target, file',
		props: { buildArgs: { B: '2', A: '1', 10: 'ten' }, target: 't', file: 'Dockerfile.alt' },
		args: ['--build-arg', 'B=2', '--build-arg', 'A=1', '--build-arg', '10=ten',
			'--target', 't', '--file', 'Dockerfile.alt'],
	},
	{
		name: 'platform, network, outputs',
		props: { platform: E.Platform.LINUX_ARM64, networkMode: E.NetworkMode.HOST,
			outputs: ['type=local,dest=out'] },
		args: ['--platform', 'linux/arm64', '--network', 'host', '--output', 'type=local,dest=out'],
	},
	{
		name: 'network from container, custom platform',
		props: { networkMode: E.NetworkMode.fromContainer('abc'), platform: E.Platform.custom('linux/riscv64') },
		args: ['--network', 'container:abc', '--platform', 'linux/riscv64'],
	},
	{
		name: 'secrets, ssh, build contexts',
		props: { buildSecrets: { id: cdk.DockerBuildSecret.fromSrc('secret.txt') }, buildSsh: 'default',
			buildContexts: { ctx: '/tmp' } },
		args: ['--build-secret', 'id=src=secret.txt', '--build-ssh', 'default', '--build-context', 'ctx=/tmp'],
	},
	{
		name: 'cache options and assetName (not hashed)',
		props: { cacheFrom: [{ type: 'registry', params: { ref: 'r:1' } }], cacheTo: { type: 'inline' },
			cacheDisabled: true, assetName: 'named' },
		args: ['--cache-from', 'type=registry,ref=r:1', '--cache-to', 'type=inline', '--cache-disabled',
			'--asset-name', 'named'],
	},
	{
		name: 'exclude, glob mode, follow always, extraHash',
		props: { exclude: ['app', '!app/main.js'], ignoreMode: cdk.IgnoreMode.GLOB,
			followSymlinks: cdk.SymlinkFollowMode.ALWAYS, extraHash: 'user' },
		args: ['-e', 'app', '-e', '!app/main.js', '--ignore-mode', 'glob', '--follow', 'always', '-x', 'user'],
	},
	{
		name: 'git mode, follow never',
		props: { ignoreMode: cdk.IgnoreMode.GIT, followSymlinks: cdk.SymlinkFollowMode.NEVER },
		args: ['--ignore-mode', 'git', '--follow', 'never'],
	},
	{
		name: 'asset hash salt (context)',
		context: { '@aws-cdk/core:assetHashSalt': 'salt' },
		props: {},
		args: ['-c', '@aws-cdk/core:assetHashSalt=salt'],
	},
	{ name: 'other outdir', outdir: 'out2', props: {}, args: ['--outdir', 'out2'] },
];

const env = Object.assign({}, process.env, { XDG_CACHE_HOME: path.join(tmp, 'xdg') });
delete env.ECRA_NO_CACHE;
let failures = 0;
const seen = new Map();
for (const c of cases) {
	// AssetStaging memoises hashes per process under a key without the
	// salt; every real synth is a fresh process.
	cdk.AssetStaging.clearAssetHashCache();
	const app = new cdk.App({ outdir: c.outdir || 'cdk.out', context: c.context || {} });
	const stack = new cdk.Stack(app, 'Stack');
	const asset = new ecrAssets.DockerImageAsset(stack, 'Image', Object.assign({ directory: dir }, c.props));
	const want = asset.assetHash;
	const r = cp.spawnSync(cli, ['hash', '--image', ...c.args, 'img'], { env });
	const got = r.stdout.toString().trim();
	const ok = r.status === 0 && got === want && asset.imageTag === want;
	if (!ok) {
		failures++;
		process.stderr.write(r.stderr.toString());
	}
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.name}: aws-cdk-lib ${want}, ecr-assets ${got}`);
	seen.set(want, (seen.get(want) || []).concat(c.name));
}
// The option sets that change the hash must give different hashes.
console.log(`${seen.size} distinct hashes over ${cases.length} option sets`);
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`image_hash: ${cases.length - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
