// SPDX-License-Identifier: Apache-2.0
//
// fixture-oracle.js - the expected hashes of fixture.h, from aws-cdk-lib.
//
// Builds the fixture of spec synth.md §1.2 (the same files as
// fixture_build() in fixture.h) in a temporary directory and prints
// aws-cdk-lib 2.276.0's FileSystem.fingerprint() for each follow mode,
// with exclude ["*.log"]. Run from the repository root:
//   node tests/unit/fingerprint/fixture-oracle.js
// The numbers are committed in fixture.h (FIXTURE_*).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { FileSystem } = require(path.resolve(__dirname,
  '../../compat/node_modules/aws-cdk-lib'));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecra-oracle-'));
const root = path.join(dir, 'root');
const w = (rel, s) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), s);
};
w('root/.hidden', 'h'); w('root/Z', 'upper'); w('root/_u', 'under');
w('root/a/keep.me', 'keep'); w('root/a/x', 'ax');
w('root/a/b/deep.log', 'deep\n'); w('root/a-b', 'dash');
w('root/a.txt', 'A\r\n'); w('root/node_modules/m/index.js', 'm');
w('root/\u00e9.txt', 'accent'); w('root/\u{1F600}.txt', 'emoji');
w('root/\uFF5E', 'fullwidth');
w('ext/e.txt', 'ext\n'); w('ext/edir/inner.txt', 'inner\n');
fs.mkdirSync(path.join(root, 'emptydir'));
const l = (target, rel) => fs.symlinkSync(target, path.join(root, rel));
l('.', 'a/l-loop'); l(path.join(root, 'a/x'), 'l-abs-int');
l('nonexistent', 'l-dangling'); l('../ext/edir', 'l-dir-ext');
l('a', 'l-dir-int'); l('../ext/e.txt', 'l-rel-ext'); l('a.txt', 'l-rel-int');
for (const follow of ['never', 'external', 'always', 'internal-only']) {
  console.log(follow, FileSystem.fingerprint(root, { follow, exclude: ['*.log'] }));
}
fs.rmSync(dir, { recursive: true });
