#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# compare_ecr_calls.py UPSTREAM.ops OURS.ops - compare the ECR calls of a
# cdk-assets run with ours for the same manifest (one "<Op> <body>" per
# line, as the stand-in logs them); exit 1 with the reason if they differ
# beyond what ecr-assets changes on purpose.
#
# ECR calls. cdk-assets makes DescribeRepositories + DescribeImages per
# entry. ecr-assets differs in two ways, by design (src/publish/ecr.c):
#  1. a repository described once in the run is not described again (same
#     region, role and name: the same repositoryUri), so cdk-assets'
#     repeated DescribeRepositories calls are missing from ours;
#  2. an entry's DescribeImages is sent together with its
#     DescribeRepositories (both need only the repository name), so the
#     two may reach the stand-in in either order.
# What must hold: the same set of distinct calls (operation + exact
# body); every call of ours is one of theirs, as often or less; the
# calls they make and we do not are only repeated DescribeRepositories;
# and with those repeats dropped from theirs and each DescribeImages that
# came just before its DescribeRepositories put back after it, the two
# sequences are identical.
#  3. the first entry to check a repository asks once, in one
#     DescribeImages, for the tags of all selected entries going there
#     (ECR answers that only when every tag exists). When the answer is
#     200, those entries make no DescribeImages of their own: the probe
#     stands for their single-tag calls, and is expanded into them here,
#     in order, with cdk-assets' exact body. When it fails (a tag is
#     missing), the entries ask one by one as cdk-assets does: the probe
#     is one call more, and dropped here.
# Each line of the files is "<Op> <body>\t<status>".
import collections, json, sys


def load(path, expand):
    calls = []
    for line in open(path).read().splitlines():
        call, _, status = line.rpartition("\t")
        op, _, body = call.partition(" ")
        ids = None
        if op == "DescribeImages" and expand:
            ids = json.loads(body).get("imageIds") or []
        if ids is None or len(ids) < 2:
            calls.append(call)
        elif status == "200":
            repo = json.loads(body)["repositoryName"]
            for i in ids:
                calls.append("DescribeImages " + json.dumps(
                    {"repositoryName": repo, "imageIds": [i]},
                    separators=(",", ":")))
    return calls


up = load(sys.argv[1], False)
ours = load(sys.argv[2], True)
def bad(msg):
    print("compare_ecr_calls: " + msg, file=sys.stderr)
    print("  cdk-assets: %r\n  ecr-assets: %r" % (up, ours), file=sys.stderr)
    sys.exit(1)
if set(up) != set(ours):
    bad("distinct calls differ: %r" % (set(up) ^ set(ours)))
cu, co = collections.Counter(up), collections.Counter(ours)
if co - cu:
    bad("calls cdk-assets does not make as often: %r" % (co - cu))
extra = cu - co
if any(not c.startswith("DescribeRepositories ") for c in extra):
    bad("missing calls other than repeated DescribeRepositories: %r" % extra)
seen, dedup = set(), []
for c in up:
    if c.startswith("DescribeRepositories ") and c in seen:
        continue
    seen.add(c)
    dedup.append(c)
norm = list(ours)
for i in range(len(norm) - 1):
    if norm[i].startswith("DescribeImages ") and \
            norm[i + 1].startswith("DescribeRepositories "):
        norm[i], norm[i + 1] = norm[i + 1], norm[i]
if norm != dedup:
    bad("order differs")
print("ECR calls: %d of cdk-assets' %d (%d repeated DescribeRepositories "
      "not made)" % (len(ours), len(up), sum(extra.values())))
