// SPDX-License-Identifier: Apache-2.0
//
// tests/compat/synth/compare.js - compare two cloud assemblies (ours and
// aws-cdk-lib's) file by file and return a readable list of differences.
//
// Compared, in full and key-order-sensitively (JSON.stringify order):
//   manifest.json, cdk.out, tree.json, validation-report.json,
//   every <id>.template.json, <id>.assets.json, <id>.metadata.json,
//   and every staged asset (asset.* directories and files: the list of
//   entries, their kinds, symlink targets and file bytes).
// Templates are also compared byte for byte (their sha256 is the template
// asset hash, so formatting matters).
//
// Normalised (genuinely environment-dependent; nothing else is touched):
//   - "aws:cdk:creationStack" metadata entries and "stackTraces" in the
//     validation report: JavaScript stack traces of the construct calls,
//     which only a JavaScript app has;
//   - absolute paths: the two assemblies are written in two different
//     temporary trees, so the tree root is replaced by "<ROOT>" in strings.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

function normalise(value, roots) {
	if (typeof value === 'string') {
		let s = value;
		for (const r of roots)
			s = s.split(r).join('<ROOT>');
		return s;
	}
	if (Array.isArray(value)) {
		return value
			.filter((v) => !(v && typeof v === 'object' &&
				v.type === 'aws:cdk:creationStack'))
			.map((v) => normalise(v, roots));
	}
	if (value && typeof value === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(value)) {
			if (k === 'stackTraces')
				continue;
			out[k] = normalise(v, roots);
		}
		return out;
	}
	return value;
}

// A structural diff that names the first differing paths (at most `max`).
function diffJson(a, b, where, out, max) {
	if (out.length >= max)
		return;
	const ta = Array.isArray(a) ? 'array' : a === null ? 'null' : typeof a;
	const tb = Array.isArray(b) ? 'array' : b === null ? 'null' : typeof b;
	if (ta !== tb) {
		out.push(`${where}: ours ${JSON.stringify(a)} / cdk ${JSON.stringify(b)}`);
		return;
	}
	if (ta === 'array') {
		for (let i = 0; i < Math.max(a.length, b.length); i++) {
			if (i >= a.length)
				out.push(`${where}[${i}]: missing in ours, cdk ${JSON.stringify(b[i])}`);
			else if (i >= b.length)
				out.push(`${where}[${i}]: extra in ours ${JSON.stringify(a[i])}`);
			else
				diffJson(a[i], b[i], `${where}[${i}]`, out, max);
			if (out.length >= max)
				return;
		}
		return;
	}
	if (ta === 'object') {
		const ka = Object.keys(a);
		const kb = Object.keys(b);
		for (const k of kb)
			if (!(k in a))
				out.push(`${where}.${k}: missing in ours, cdk ${JSON.stringify(b[k]).slice(0, 300)}`);
		for (const k of ka)
			if (!(k in b))
				out.push(`${where}.${k}: extra in ours ${JSON.stringify(a[k]).slice(0, 300)}`);
		for (const k of ka)
			if (k in b)
				diffJson(a[k], b[k], `${where}.${k}`, out, max);
		if (out.length < max && ka.every((k) => k in b) &&
		    kb.every((k) => k in a) && ka.join('\0') !== kb.join('\0'))
			out.push(`${where}: key order differs: ours [${ka}] / cdk [${kb}]`);
		return;
	}
	if (a !== b)
		out.push(`${where}: ours ${JSON.stringify(a)} / cdk ${JSON.stringify(b)}`);
}

function listTree(dir, prefix, out) {
	for (const name of fs.readdirSync(dir).sort()) {
		const p = path.join(dir, name);
		const rel = prefix ? `${prefix}/${name}` : name;
		const st = fs.lstatSync(p);
		if (st.isSymbolicLink())
			out.push(`${rel} -> ${fs.readlinkSync(p)}`);
		else if (st.isDirectory()) {
			out.push(`${rel}/`);
			listTree(p, rel, out);
		} else {
			const h = crypto.createHash('sha256')
				.update(fs.readFileSync(p)).digest('hex');
			out.push(`${rel} ${st.size} ${h.slice(0, 16)}`);
		}
	}
	return out;
}

function compareAssemblies(ours, cdk, roots, stale) {
	const problems = [];
	const oursFiles = fs.existsSync(ours) ? fs.readdirSync(ours).sort() : [];
	const cdkFiles = fs.readdirSync(cdk).sort()
		.filter((f) => !(stale || []).includes(f));
	const missing = cdkFiles.filter((f) => !oursFiles.includes(f));
	const extra = oursFiles.filter((f) => !cdkFiles.includes(f));
	if (missing.length)
		problems.push(`files missing in ours: ${missing.join(', ')}`);
	if (extra.length)
		problems.push(`extra files in ours: ${extra.join(', ')}`);
	for (const f of cdkFiles.filter((x) => oursFiles.includes(x))) {
		const po = path.join(ours, f);
		const pc = path.join(cdk, f);
		if (f.startsWith('asset.')) {
			const so = fs.lstatSync(po);
			const sc = fs.lstatSync(pc);
			if (so.isDirectory() !== sc.isDirectory()) {
				problems.push(`${f}: kind differs`);
				continue;
			}
			const lo = sc.isDirectory() ? listTree(po, '', []) :
				[fs.readFileSync(po).toString('hex')];
			const lc = sc.isDirectory() ? listTree(pc, '', []) :
				[fs.readFileSync(pc).toString('hex')];
			const d = [];
			diffJson(lo, lc, f, d, 10);
			problems.push(...d);
			continue;
		}
		if (!f.endsWith('.json') && f !== 'cdk.out')
			continue;
		let jo, jc;
		try {
			jo = JSON.parse(fs.readFileSync(po, 'utf8'));
		} catch (e) {
			problems.push(`${f}: ours is not JSON (${e.message})`);
			continue;
		}
		jc = JSON.parse(fs.readFileSync(pc, 'utf8'));
		const d = [];
		diffJson(normalise(jo, roots), normalise(jc, roots), f, d, 20);
		problems.push(...d);
		if (!d.length && f.endsWith('.template.json') &&
		    !fs.readFileSync(po).equals(fs.readFileSync(pc)))
			problems.push(`${f}: same JSON but different bytes (formatting)`);
	}
	return problems;
}

module.exports = { compareAssemblies, diffJson };
