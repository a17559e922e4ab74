#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tests/install/man_options.py BIN_DIR MAN_DIR GEN_MAN DOC.md...

Every option a parser accepts is documented in docs/cli.md (so in the man
pages generated from it), every documented option is accepted, and each
command's --help lists the same options as its page.

The accepted options are found by probing the binary, not by reading its
source, so a rewrite of the parser (getopt_long, say) is still checked:
candidates are every option named in --help or the docs, every string in
the binary that starts with '-' or looks like a long option name
(`dry-run`), and every single-letter short option. A candidate is
rejected when the tool exits 2 (1 for the cdk-assets drop-in, as yargs)
saying it is unknown/unrecognized/invalid.
"""
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOKEN = re.compile(r"(?<![\w\-/=$])(--?[A-Za-z0-9][\w-]*)")
REJECT = re.compile(r"unknown option|unrecognized option|invalid option|"
                    r"is ambiguous|unknown command|unknown argument", re.I)


def run(argv, cwd, env, stdin=subprocess.DEVNULL):
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdin=stdin,
                           capture_output=True, text=True, timeout=20)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, "", "timeout"


def help_options(text):
    """Options named in a --help text: usage lines and option lines."""
    opts = set()
    for line in text.splitlines():
        s = line.strip()
        if line.startswith("usage:") or (line.startswith(" ") and s.startswith("[")):
            opts.update(TOKEN.findall(s))
        elif line.startswith(" ") and s.startswith("-"):
            term = re.split(r"\s{2,}", s)[0]
            opts.update(TOKEN.findall(term))
    return opts


def binary_candidates(path):
    out = subprocess.run(["strings", "-n", "2", path], capture_output=True,
                         text=True).stdout.split("\n")
    c = set()
    for s in out:
        s = s.strip()
        m = re.match(r"^(--?[A-Za-z0-9][\w-]*)", s)
        if m:
            c.add(m.group(1))
        elif re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", s) and len(s) <= 30:
            c.add("--" + s)
    return c


def main():
    bindir, mandir, genman = sys.argv[1:4]
    docs = sys.argv[4:]
    tool = os.path.join(bindir, "ecr-assets")
    pages = subprocess.run([sys.executable, genman, "--list"] + docs,
                           capture_output=True, text=True, check=True).stdout.split()
    work = tempfile.mkdtemp(prefix="ecra-manopt.")
    env = {"PATH": "/usr/bin:/bin", "HOME": work, "TMPDIR": work,
           "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x",
           "AWS_SECRET_ACCESS_KEY": "x", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    errors = []
    shorts = {"-" + ch for ch in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}
    try:
        for page in pages:
            # which program and subcommand the page describes
            if page == "ecr-assets":
                prog, sub = tool, []
            elif os.path.exists(os.path.join(bindir, page)):
                prog, sub = os.path.join(bindir, page), []
            else:
                prog, sub = tool, [page[len("ecr-assets-"):]]
            documented = set(subprocess.run(
                [sys.executable, genman, "--options", page] + docs,
                capture_output=True, text=True, check=True).stdout.split())
            rc, hout, herr = run([prog] + sub + ["--help"], work, env)
            if rc != 0:
                errors.append("%s: --help exits %d" % (page, rc))
                continue
            helped = help_options(hout)
            cands = helped | documented | shorts | binary_candidates(prog)
            def probe(c):
                rc, _, err = run([prog] + sub + [c], work, env)
                # 2 for ecr-assets; 1 for the cdk-assets drop-in (yargs)
                return c, not (rc in (1, 2) and REJECT.search(err))
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                accepted = {c for c, ok in pool.map(probe, sorted(cands)) if ok}
            # -h/--help of each command are documented by `ecr-assets help`
            exempt = {"-h", "--help"} if page != "ecr-assets" else set()
            for o in sorted(accepted - documented - exempt):
                if o.startswith("--") and any(d.startswith(o) for d in documented):
                    continue  # a getopt_long abbreviation
                if not o.startswith("--") and len(o) > 2 and o[:2] in accepted:
                    continue  # -xVALUE: a short option with its value attached
                errors.append("%s: %s is accepted but not documented in docs/cli.md" % (page, o))
            for o in sorted(documented - accepted):
                errors.append("%s: %s is documented but the parser rejects it" % (page, o))
            for o in sorted((helped - exempt) ^ (documented - exempt)):
                where = "--help" if o in helped else "the man page"
                errors.append("%s: %s is only in %s" % (page, o, where))
            man = os.path.join(mandir, page + ".1")
            if not os.path.exists(man):
                errors.append("%s: %s was not generated" % (page, man))
            else:
                text = open(man, encoding="utf-8").read()
                for o in sorted(documented):
                    if o.replace("-", "\\-") not in text:
                        errors.append("%s: %s missing from %s" % (page, o, man))
                if shutil.which("groff"):
                    g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-Wbreak", "-z", man],
                                       capture_output=True, text=True)
                    if g.returncode != 0 or g.stderr.strip():
                        errors.append("%s: groff warns: %s" % (page, g.stderr.strip()))
            print("ok: %s: %d options accepted, %d documented, %d in --help" %
                  (page, len(accepted), len(documented), len(helped)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
