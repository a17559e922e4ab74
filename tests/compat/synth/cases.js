// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/synth/cases.js - the differential synth cases, each described
// once. A case is:
//   name        unique, [a-z0-9-]
//   files       {relative path: content}; content is a string, or
//               {link: target} for a symlink, or {hex: "00ff"} for bytes
//   app         the app.json document (the declarative app format);
//               run.js gives it to `ecr-assets synth --app app.json` and to
//               oracle.js, which builds the same app with aws-cdk-lib
//   cdkJson     optional cdk.json object (its "context" is read by both)
//   contextJson optional cdk.context.json object
//   cli         optional extra `-c key=value` strings
//   outdir      optional outdir as given to both (default: absolute path)
//   expect      optional: "cdk-rejects" when aws-cdk-lib throws by design
//               and ecr-assets deliberately does not (docs/compatibility.md);
//               "both-reject" when both must fail with the same message
//   stale       optional: files already in the outdir that aws-cdk-lib
//               keeps and ecr-assets (atomic replace) removes
'use strict';

const DF = 'FROM scratch\nCOPY . /app\n';

// A small context with a bit of everything the ignore rules look at.
function ctx(dir, extra) {
	const files = {};
	files[`${dir}/Dockerfile`] = DF;
	files[`${dir}/index.js`] = 'console.log("hi");\r\n';
	files[`${dir}/debug.log`] = 'ignored?\n';
	files[`${dir}/keep.log`] = 'kept\n';
	files[`${dir}/sub/data.bin`] = { hex: '00010203ff' };
	files[`${dir}/sub/deeper/notes.md`] = '# notes\n';
	files[`${dir}/node_modules/x/index.js`] = 'module.exports = 1;\n';
	files[`${dir}/.hidden`] = 'dot\n';
	return Object.assign(files, extra || {});
}

function stack(images, more) {
	return Object.assign({ id: 'Stack', dockerImageAssets: images }, more || {});
}

function app(stacks, context) {
	const a = { stacks };
	if (context)
		a.context = context;
	return a;
}

function img(props) {
	return Object.assign({ id: 'Image', directory: 'image' }, props || {});
}

const FULL = {
	extraHash: 'salt-1',
	buildArgs: { B: '2', A: '1', 10: 'ten' },
	buildContexts: { base: 'docker-image://alpine:3', src: '../other' },
	buildSecrets: { npmrc: 'src=.npmrc', token: 'env=TOKEN' },
	buildSsh: 'default=$SSH_AUTH_SOCK',
	target: 'prod',
	file: 'sub/Dockerfile.prod',
	networkMode: 'container:builder',
	platform: 'linux/arm64',
	outputs: ['type=docker', 'type=local,dest=out'],
	cacheFrom: [{ type: 'registry', params: { ref: 'repo:cache' } },
		{ type: 'gha' }],
	cacheTo: { type: 'inline' },
	cacheDisabled: true,
};
const FLAGS = ['extraHash', 'buildArgs', 'buildContexts', 'buildSecrets',
	'buildSsh', 'target', 'file', 'repositoryName', 'networkMode',
	'platform', 'outputs'];

const cases = [];
function add(c) {
	c.files = c.files || ctx('image');
	cases.push(c);
}

/* --- basics --- */
add({ name: 'minimal', app: app([stack([img()])]) });
add({ name: 'empty-stack', files: {}, app: app([{ id: 'Empty' }]) });
add({ name: 'two-stacks', app: app([
	stack([img()], { id: 'First' }),
	stack([img({ id: 'Other', buildArgs: { X: 'y' } })], { id: 'Second' }),
]) });
add({ name: 'same-hash-twice', app: app([stack([img({ id: 'A' }),
	img({ id: 'B', cacheDisabled: true })])]) });
add({ name: 'example-app', files: {
	'image/Dockerfile': 'FROM scratch\nCOPY hello.txt /hello.txt\n',
	'image/hello.txt': 'hello from ecr-assets\n',
}, app: app([stack([img({ buildArgs: { GREETING: 'hello' },
	platform: 'linux/amd64' })], {
	id: 'ExampleStack',
	roles: [{ id: 'TaskRole', assumedBy: 'ecs-tasks.amazonaws.com',
		pull: ['Image'] }],
	outputs: [{ id: 'ImageUri', imageUri: 'Image' },
		{ id: 'ImageTag', imageTag: 'Image' }],
})]) });

/* --- every prop, then each invalidation flag --- */
add({ name: 'prop-build-args', app: app([stack([img({
	buildArgs: { HTTP_PROXY: 'http://10.20.30.2:1234', 2: 'two', a: '' } })])]) });
add({ name: 'prop-build-args-empty', app: app([stack([img({ buildArgs: {} })])]) });
add({ name: 'prop-build-contexts', app: app([stack([img({
	buildContexts: FULL.buildContexts })])]) });
add({ name: 'prop-build-secrets', app: app([stack([img({
	buildSecrets: FULL.buildSecrets })])]) });
add({ name: 'prop-build-ssh', app: app([stack([img({ buildSsh: 'default' })])]) });
add({ name: 'prop-target', app: app([stack([img({ target: 'prod' })])]) });
add({ name: 'prop-file', files: ctx('image', {
	'image/sub/Dockerfile.prod': 'FROM scratch\n' }),
app: app([stack([img({ file: 'sub/Dockerfile.prod' })])]) });
add({ name: 'prop-extra-hash', app: app([stack([img({ extraHash: 'salt' })])]) });
add({ name: 'prop-extra-hash-empty', app: app([stack([img({ extraHash: '' })])]) });
for (const m of ['default', 'host', 'none', 'container:c1', 'my-net'])
	add({ name: `prop-network-${m.replace(/[^a-z0-9]/g, '-')}`,
		app: app([stack([img({ networkMode: m })])]) });
for (const p of ['linux/amd64', 'linux/arm64', 'linux/riscv64'])
	add({ name: `prop-platform-${p.split('/')[1]}`,
		app: app([stack([img({ platform: p })])]) });
add({ name: 'prop-outputs', app: app([stack([img({ outputs: FULL.outputs })])]) });
add({ name: 'prop-cache', app: app([stack([img({ cacheFrom: FULL.cacheFrom,
	cacheTo: FULL.cacheTo, cacheDisabled: true })])]) });
add({ name: 'prop-cache-disabled-false', app: app([stack([img({
	cacheDisabled: false, cacheTo: { type: 'local', params: { dest: 'd' } } })])]) });
add({ name: 'prop-asset-name', app: app([stack([img({ assetName: 'web' })])]) });
add({ name: 'prop-display-name', app: app([stack([img({ displayName: 'My image' })])]) });
add({ name: 'prop-asset-and-display-name', app: app([stack([img({
	assetName: 'api', displayName: 'The API' })])]) });
const fullFiles = ctx('image', { 'image/sub/Dockerfile.prod': 'FROM scratch\n' });
add({ name: 'prop-all', files: fullFiles, app: app([stack([img(FULL)])]) });
for (const f of FLAGS)
	add({ name: `invalidation-${f.toLowerCase()}`, files: fullFiles,
		app: app([stack([img(Object.assign({}, FULL,
			{ invalidation: { [f]: false } }))])]) });
add({ name: 'invalidation-all-false', files: fullFiles, app: app([stack([img(
	Object.assign({}, FULL, { invalidation: Object.fromEntries(
		FLAGS.map((f) => [f, false])) }))])]) });
add({ name: 'invalidation-all-true', files: fullFiles, app: app([stack([img(
	Object.assign({}, FULL, { invalidation: Object.fromEntries(
		FLAGS.map((f) => [f, true])) }))])]) });

/* --- tarballs --- */
const TAR = { hex: Buffer.concat([Buffer.from('fake tarball\n'),
	Buffer.alloc(16)]).toString('hex') };
add({ name: 'tarball', files: { 'local-image.tar': TAR }, app: app([{
	id: 'Stack', tarballImageAssets: [{ id: 'Tar', tarballFile: 'local-image.tar' }],
	outputs: [{ id: 'Uri', imageUri: 'Tar' }, { id: 'Tag', imageTag: 'Tar' }] }]) });
add({ name: 'tarball-tar-gz-display-name', files: { 'imgs/img.TAR.GZ': TAR },
	app: app([{ id: 'Stack', tarballImageAssets: [{ id: 'Tar',
		tarballFile: 'imgs/img.TAR.GZ', displayName: 'tarred' }] }]) });
add({ name: 'tarball-and-image-grants', files: Object.assign(ctx('image'),
	{ 'local-image.tar': TAR }), app: app([stack([img()], {
	tarballImageAssets: [{ id: 'Tar', tarballFile: 'local-image.tar' }],
	roles: [{ id: 'Puller', assumedBy: 'ecs-tasks.amazonaws.com',
		pull: ['Image', 'Tar'] }],
	outputs: [{ id: 'ImageUri', imageUri: 'Image' },
		{ id: 'TarUri', imageUri: 'Tar' }] })]) });

/* --- environments, qualifiers, tag prefixes --- */
const ENV = { account: '123456789012', region: 'eu-west-1' };
add({ name: 'env-account-region', app: app([stack([img()], { env: ENV,
	outputs: [{ id: 'Uri', imageUri: 'Image' }] })]) });
add({ name: 'env-qualifier', app: app([stack([img()], {
	synthesizer: { qualifier: 'myqual123' },
	roles: [{ id: 'R', assumedBy: 'lambda.amazonaws.com', pull: ['Image'] }],
	outputs: [{ id: 'Uri', imageUri: 'Image' }] })]) });
add({ name: 'env-tag-prefix', app: app([stack([img({ assetName: 'web' })], {
	env: ENV, synthesizer: { qualifier: 'hnb659fds', dockerTagPrefix: 'pre-' },
	outputs: [{ id: 'Uri', imageUri: 'Image' }, { id: 'Tag', imageTag: 'Image' }],
})]) });
add({ name: 'env-qualifier-from-cdk-json',
	cdkJson: { context: { '@aws-cdk/core:bootstrapQualifier': 'fromjson1' } },
	app: app([stack([img()], { outputs: [{ id: 'Uri', imageUri: 'Image' }] })]) });
add({ name: 'env-qualifier-from-cli',
	contextJson: { '@aws-cdk/core:bootstrapQualifier': 'fromctx12' },
	cli: ['@aws-cdk/core:bootstrapQualifier=fromcli12'],
	app: app([stack([img()])]) });
add({ name: 'env-qualifier-from-app-context',
	app: app([stack([img()])], { '@aws-cdk/core:bootstrapQualifier': 'fromapp12' }) });
add({ name: 'env-two-regions', app: app([
	stack([img()], { id: 'Ireland', env: ENV }),
	stack([img()], { id: 'Virginia', env: { account: '123456789012',
		region: 'us-east-1' }, synthesizer: { dockerTagPrefix: 'v-' } }),
	stack([img()], { id: 'Agnostic' }),
]) });

/* --- grants and outputs --- */
add({ name: 'grant-new-role', app: app([stack([img()], {
	roles: [{ id: 'Puller', assumedBy: 'ecs-tasks.amazonaws.com', pull: ['Image'] }],
})]) });
add({ name: 'grant-two-roles-two-images', app: app([stack([img(),
	img({ id: 'Second', buildArgs: { V: '2' } })], {
	roles: [
		{ id: 'One', assumedBy: 'ecs-tasks.amazonaws.com', pull: ['Image', 'Second'] },
		{ id: 'Two', assumedBy: 'lambda.amazonaws.com', pull: ['Second'] },
	] })]) });
add({ name: 'grant-imported-role-same-account', app: app([stack([img()], {
	env: ENV,
	roles: [{ id: 'Imported', roleArn: 'arn:aws:iam::123456789012:role/MyRole',
		pull: ['Image'] }] })]) });
add({ name: 'grant-imported-role-agnostic', app: app([stack([img()], {
	roles: [{ id: 'Imported', roleArn: 'arn:aws:iam::123456789012:role/MyRole',
		pull: ['Image'] }] })]) });
add({ name: 'grant-imported-role-other-account', app: app([stack([img()], {
	env: ENV,
	roles: [{ id: 'Imported', roleArn: 'arn:aws:iam::210987654321:role/Other',
		pull: ['Image'] }] })]) });
add({ name: 'grant-env-role-and-outputs', app: app([stack([img()], {
	env: ENV,
	roles: [{ id: 'Puller', assumedBy: 'ecs-tasks.amazonaws.com', pull: ['Image'] }],
	outputs: [{ id: 'Uri', imageUri: 'Image' }, { id: 'Tag', imageTag: 'Image' }],
})]) });

// Enough grants to overflow the role's inline policy: aws-cdk-lib moves
// statements into AWS::IAM::ManagedPolicy "OverflowPolicy<N>" resources.
const many = [];
for (let i = 0; i < 50; i++)
	many.push(img({ id: `Img${i}`, buildArgs: { N: String(i) } }));
add({ name: 'grant-policy-overflow', app: app([stack(many, {
	roles: [{ id: 'Puller', assumedBy: 'ecs-tasks.amazonaws.com',
		pull: many.map((m) => m.id) }] })]) });

/* --- folders and names --- */
add({ name: 'nested-folders', files: ctx('a/b/c/context'), app: app([stack([img({
	directory: 'a/b/c/context' })])]) });
add({ name: 'dir-with-extension', files: ctx('my.app'), app: app([stack([img({
	directory: 'my.app' })])]) });
add({ name: 'odd-ids', app: app([stack([
	img({ id: 'My Image' }),
	img({ id: 'dash-ed_image', buildArgs: { X: '1' } }),
	img({ id: 'Bildé ✓', buildArgs: { X: '2' } }),
], { id: 'odd-stack-1',
	roles: [{ id: 'Role with spaces', assumedBy: 'ecs-tasks.amazonaws.com',
		pull: ['My Image', 'Bildé ✓'] }],
	outputs: [{ id: 'Uri-of image', imageUri: 'dash-ed_image' },
		{ id: 'Tägé', imageTag: 'Bildé ✓' }] })]) });

/* --- .dockerignore variations --- */
const DI = (content, extra) => ctx('image', Object.assign(
	{ 'image/.dockerignore': content }, extra || {}));
add({ name: 'dockerignore-basic',
	files: DI('node_modules\n*.log\n!keep.log\n'), app: app([stack([img()])]) });
add({ name: 'dockerignore-comments-crlf',
	files: DI('# comment\r\nnode_modules\r\n  *.log  \r\n\r\n!keep.log\r\n'),
	app: app([stack([img()])]) });
add({ name: 'dockerignore-excludes-dockerfile',
	files: DI('*\n!index.js\n'), app: app([stack([img()])]) });
add({ name: 'dockerignore-double-star',
	files: DI('**/*.md\n**/node_modules\n.hidden\n'), app: app([stack([img()])]) });
add({ name: 'dockerignore-and-exclude',
	files: DI('*.log\n'), app: app([stack([img({ exclude: ['sub', '!sub/data.bin'] })])]) });
add({ name: 'dockerignore-bom-case',
	files: DI('\ufeffDEBUG.LOG\nSub/Deeper\n'), app: app([stack([img()])]) });

/* --- excludes in each ignore mode --- */
for (const mode of ['glob', 'git', 'docker'])
	add({ name: `exclude-${mode}`, files: DI('node_modules\n'), app: app([stack([img({
		ignoreMode: mode, exclude: ['*.log', '!keep.log', 'sub/deeper', '.hidden'] })])]) });
add({ name: 'exclude-glob-no-dockerignore', app: app([stack([img({
	ignoreMode: 'glob', exclude: ['**/*.js', 'sub/'] })])]) });
add({ name: 'exclude-git-dir-slash', app: app([stack([img({
	ignoreMode: 'git', exclude: ['sub/', 'NODE_MODULES'] })])]) });

/* --- symlink follow modes --- */
const links = () => Object.assign(ctx('image'), {
	'image/link-internal': { link: 'index.js' },
	'image/link-dir': { link: 'sub' },
	'image/link-external': { link: '../outside.txt' },
	'outside.txt': 'outside\n',
});
const internalLinks = () => Object.assign(ctx('image'), {
	'image/link-internal': { link: 'index.js' },
	'image/link-dir': { link: 'sub' },
	'image/sub/link-up': { link: '../keep.log' },
});
add({ name: 'follow-block-external', files: internalLinks(),
	app: app([stack([img({ followSymlinks: 'block-external' })])]) });
for (const mode of ['never', 'always', 'external'])
	add({ name: `follow-${mode}`, files: links(), app: app([stack([img({
		followSymlinks: mode })])]) });
add({ name: 'follow-block-external-rejected', expect: 'both-reject',
	files: Object.assign(links(), { 'image/link-internal': { link: '../outside.txt' } }),
	app: app([stack([img({ followSymlinks: 'block-external' })])]) });
add({ name: 'follow-default', files: links(), app: app([stack([img()])]) });

/* --- outdir and flags --- */
// ecr-assets replaces the outdir atomically, so files that were already in
// a previous assembly (cdk.out/junk) are gone afterwards; aws-cdk-lib
// writes over them (docs/compatibility.md). The hash must match all the
// same. (An existing outdir that is not an assembly is refused, #9.1, so
// the old one has a manifest.json.)
add({ name: 'outdir-relative-inside-context', outdir: 'cdk.out',
	stale: ['junk'], files: ctx('.', {
	'cdk.out/manifest.json': '{"version":"55.0.0","artifacts":{}}\n',
	'cdk.out/junk': 'j\n' }), app: app([stack([img({ directory: '.' })])]) });
add({ name: 'flag-docker-ignore-support', expect: 'cdk-rejects',
	cdkJson: { context: { '@aws-cdk/aws-ecr-assets:dockerIgnoreSupport': true } },
	app: app([stack([img()])]) });

module.exports = cases;
