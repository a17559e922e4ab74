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

function stats(name, times, cpus) {
	const s = times.slice().sort((a, b) => a - b);
	const mean = s.reduce((a, b) => a + b, 0) / s.length;
	const median = s.length % 2 ? s[(s.length - 1) / 2] :
	    (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) /
	    Math.max(1, s.length - 1));
	const r = { command: name, mean, median, stddev: sd,
		min: s[0], max: s[s.length - 1], times };
	if (cpus && cpus.length)
		r.cpu = cpus.reduce((a, b) => a + b, 0) / cpus.length;
	return { results: [r] };
}

// One measurement; .cpu is the mean user+system time (hyperfine's
// user/system, or process.cpuUsage() around the aws-cdk-lib call).
function load(file) {
	const r = JSON.parse(fs.readFileSync(file, 'utf8')).results[0];
	if (r.cpu === undefined && r.user !== undefined)
		r.cpu = r.user + r.system;
	return r;
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
		return fs.existsSync(f) ? load(f) : undefined;
	};
	const wall = r => r && r.median;
	const cpu = r => r && r.cpu;
	const cell = r => r ? fmt(r.median) + (r.cpu !== undefined ?
	    ` (cpu ${fmt(r.cpu)})` : '') : 'n/a';
	const out = [];
	out.push('| workload | ecr-assets | aws-cdk-lib call | aws-cdk-lib process | openssl | ratio (wall) | ratio (cpu) | target | met (wall) |');
	out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
	for (const w of workloads) {
		const t = TARGETS[w];
		const v = { ecr: get(w, 'ecr'), 'cdk-call': get(w, 'cdk-call'),
			'cdk-process': get(w, 'cdk-process'),
			openssl: get(w, 'openssl') };
		const ratio = f => {
			if (!t || !v[t[1]] || !v[t[2]] || f(v[t[1]]) === undefined ||
			    f(v[t[2]]) === undefined)
				return undefined;
			return f(v[t[1]]) / f(v[t[2]]);
		};
		const show = r => r === undefined ? 'n/a' : t[1] === 'cdk-call' ?
		    `${r.toFixed(1)}× faster` : `${r.toFixed(2)}× openssl`;
		const rw = ratio(wall), rc = ratio(cpu);
		let met = 'n/a';
		if (rw !== undefined) {
			const ok = t[3] === '>=' ? rw >= t[4] : rw <= t[4];
			met = ok ? 'yes' : (t[3] === '>=' ?
			    `no (${(t[4] / rw).toFixed(2)}× short)` :
			    `no (${((rw / t[4] - 1) * 100).toFixed(0)}% over)`);
		}
		out.push(`| ${LABEL[w] || w} | ${cell(v.ecr)} | ${cell(v['cdk-call'])} | ` +
		    `${cell(v['cdk-process'])} | ${cell(v.openssl)} | ${show(rw)} | ` +
		    `${show(rc)} | ${t ? t[0] : ''} | ${met} |`);
	}
	return out.join('\n') + '\n\nTimes are medians of wall time, with the ' +
	    'mean user+system CPU time in brackets; "aws-cdk-lib call" times ' +
	    'FileSystem.fingerprint alone (node start-up excluded), "process" ' +
	    'the whole `node` run.\n';
}

function main(argv) {
	switch (argv[0]) {
	case '--loop-json':
		process.stdout.write(JSON.stringify(stats(argv[1],
		    argv.slice(2).map(Number))));
		return 0;
	case '--calls-json': {
		const lines = fs.readFileSync(argv[2], 'utf8').split('\n')
		    .filter(l => l.startsWith('call_ms '));
		const times = lines.map(l => Number(l.split(' ')[1]) / 1000);
		const cpus = lines.map(l => Number(l.split(' ')[3]) / 1000)
		    .filter(v => !Number.isNaN(v));
		if (times.length === 0) {
			process.stderr.write(`report.js: no call times in ${argv[2]}\n`);
			return 1;
		}
		process.stdout.write(JSON.stringify(stats(argv[1], times, cpus)));
		return 0;
	}
	case '--mean': {
		const r = load(argv[1]);
		process.stdout.write(`median ${fmt(r.median)} (min ${fmt(r.min)}, ` +
		    `max ${fmt(r.max)}, ${r.times ? r.times.length : '?'} runs` +
		    (r.cpu !== undefined ? `; cpu ${fmt(r.cpu)}` : '') + ')\n');
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
