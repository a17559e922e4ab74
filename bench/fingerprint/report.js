#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// bench/fingerprint/report.js - helpers of run.sh:
//   report.js --loop-json NAME T1 T2 ...   times (s) -> hyperfine-like JSON
//   report.js --calls-json NAME FILE       "call_ms X" lines -> same JSON
//   report.js --mean FILE.json             "median 1.234 s (min .., max ..)"
//   report.js --table RESULTS W...         the markdown table with targets
'use strict';

const fs = require('fs');
const path = require('path');

function stats(name, times) {
	const s = times.slice().sort((a, b) => a - b);
	const mean = s.reduce((a, b) => a + b, 0) / s.length;
	const median = s.length % 2 ? s[(s.length - 1) / 2] :
	    (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) /
	    Math.max(1, s.length - 1));
	return { results: [{ command: name, mean, median, stddev: sd,
		min: s[0], max: s[s.length - 1], times }] };
}

function load(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8')).results[0];
}

function fmt(sec) {
	if (sec === undefined) return 'n/a';
	return sec < 1 ? `${(sec * 1000).toFixed(1)} ms` : `${sec.toFixed(3)} s`;
}

// Targets: [label, numerator, denominator, comparison, bound].
const TARGETS = {
	small: ['≥10× faster than aws-cdk-lib', 'cdk-call', 'ecr', '>=', 10],
	text: ['≥3× faster than aws-cdk-lib', 'cdk-call', 'ecr', '>=', 3],
	bin1: ['≤1.15× openssl', 'ecr', 'openssl', '<=', 1.15],
	bin8: ['≤0.65× openssl (all 8 files)', 'ecr', 'openssl', '<=', 0.65],
};
const LABEL = {
	small: '20k small files', text: '1 GiB text (16 × 64 MiB)',
	bin1: '1 GiB binary, 1 file', bin8: '8 × 128 MiB binary',
};

function table(dir, workloads) {
	const get = (w, k) => {
		const f = path.join(dir, `${w}-${k}.json`);
		return fs.existsSync(f) ? load(f).median : undefined;
	};
	const out = [];
	out.push('| workload | ecr-assets | aws-cdk-lib call | aws-cdk-lib process | openssl | ratio | target | met |');
	out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
	for (const w of workloads) {
		const t = TARGETS[w];
		const v = { ecr: get(w, 'ecr'), 'cdk-call': get(w, 'cdk-call'),
			'cdk-process': get(w, 'cdk-process'),
			openssl: get(w, 'openssl') };
		let ratio = 'n/a', met = 'n/a';
		if (t && v[t[1]] !== undefined && v[t[2]] !== undefined) {
			const r = v[t[1]] / v[t[2]];
			const ok = t[3] === '>=' ? r >= t[4] : r <= t[4];
			ratio = t[1] === 'cdk-call' ? `${r.toFixed(1)}× faster` :
			    `${r.toFixed(2)}× openssl`;
			met = ok ? 'yes' : (t[3] === '>=' ?
			    `no (${(t[4] / r).toFixed(2)}× short)` :
			    `no (${((r / t[4] - 1) * 100).toFixed(0)}% over)`);
		}
		out.push(`| ${LABEL[w] || w} | ${fmt(v.ecr)} | ${fmt(v['cdk-call'])} | ` +
		    `${fmt(v['cdk-process'])} | ${fmt(v.openssl)} | ${ratio} | ` +
		    `${t ? t[0] : ''} | ${met} |`);
	}
	return out.join('\n') + '\n\nTimes are medians; "aws-cdk-lib call" ' +
	    'times FileSystem.fingerprint alone (node start-up excluded), ' +
	    '"process" the whole `node` run.\n';
}

function main(argv) {
	switch (argv[0]) {
	case '--loop-json':
		process.stdout.write(JSON.stringify(stats(argv[1],
		    argv.slice(2).map(Number))));
		return 0;
	case '--calls-json': {
		const times = fs.readFileSync(argv[2], 'utf8').split('\n')
		    .filter(l => l.startsWith('call_ms '))
		    .map(l => Number(l.slice(8)) / 1000);
		if (times.length === 0) {
			process.stderr.write(`report.js: no call times in ${argv[2]}\n`);
			return 1;
		}
		process.stdout.write(JSON.stringify(stats(argv[1], times)));
		return 0;
	}
	case '--mean': {
		const r = load(argv[1]);
		process.stdout.write(`median ${fmt(r.median)} (min ${fmt(r.min)}, ` +
		    `max ${fmt(r.max)}, ${r.times ? r.times.length : '?'} runs)\n`);
		return 0;
	}
	case '--table':
		process.stdout.write(table(argv[1], argv.slice(2)));
		return 0;
	}
	process.stderr.write('usage: see the header of report.js\n');
	return 2;
}

process.exitCode = main(process.argv.slice(2));
