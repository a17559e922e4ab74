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
import collections, sys
up = open(sys.argv[1]).read().splitlines()
ours = open(sys.argv[2]).read().splitlines()
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
