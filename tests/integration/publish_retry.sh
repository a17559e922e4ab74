#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_retry.sh - bounded push retries, through
# tests/integration/flaky_proxy.py in front of the real (no-auth)
# docker-registry, in registry mode:
#   - `docker push` whose manifest PUT gets 503 once: one "retrying push"
#     line, the second push succeeds, the image pulls back and runs;
#   - a daemonless tarball push whose manifest PUT gets 503 once: the
#     retry finds the blobs of the first attempt by HEAD and uploads only
#     the manifest (write requests counted at the proxy);
#   - a daemonless push whose blob writes get their connection reset:
#     retried, published;
#   - a registry that stays down (every write 503): `docker push` and
#     the daemonless push fail after the bounded number of attempts with
#     a clear message, exit 1;
#   - a final error (authentication required) is not retried.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

acct=123456789012
repo=cdk-hnb659fds-container-assets-$acct-us-east-1

start_flaky_proxy "$ECRA_REGISTRY"

echo "== docker push: manifest PUT answered 503 once, retried"
id1=$(printf 'retry-%s' "$$$(date +%s%N)" | sha256sum | cut -c1-64)
make_app "$WORK/app1" RetryStack "$id1" "retried $id1"
flaky '{"fail":1,"match":"manifests","mode":"503"}'
run_cli 0 "$WORK/app1" --registry "$proxy" --account $acct
expect_out "retry: retrying push of $proxy/$repo:$id1 in 1s (attempt 2/3): $CDK_DOCKER push $proxy/$repo:$id1 exited with error code 1: received unexpected HTTP status: 503 Service Unavailable"
expect_out "published 1, skipped 0 (already present), failed 0"
[ "$(grep -c '^push' "$LOG")" = 2 ] || fail "expected 2 docker push runs: $(cat "$LOG")"
[ "$(flaky_stat failed)" = 1 ] || fail "the proxy failed $(flaky_stat failed) requests, expected 1"
pull_and_run "$ECRA_REGISTRY/$repo:$id1" "retried $id1"

echo "== docker push: --retries 0 does not retry"
flaky '{"fail":1,"match":"manifests","mode":"503"}'
run_cli 1 "$WORK/app1" --registry "$proxy" --account $acct --force --retries 0
expect_no_out "retrying push"
expect_out "503 Service Unavailable"
[ "$(grep -c '^push' "$LOG")" = 1 ] || fail "expected 1 docker push run"

echo "== docker push: registry stays down, bounded attempts, exit 1"
flaky '{"fail":-1,"match":"manifests","mode":"503"}'
run_cli 1 "$WORK/app1" --registry "$proxy" --account $acct --force --retries 1
expect_out "retrying push of $proxy/$repo:$id1 in 1s (attempt 2/2)"
expect_out "Failure: $id1:current_account-current_region-0a1b2c3d: push failed after 2 attempts: $CDK_DOCKER push $proxy/$repo:$id1 exited with error code 1: received unexpected HTTP status: 503"
[ "$(grep -c '^push' "$LOG")" = 2 ] || fail "expected 2 docker push runs"
no_temp_left

# A docker save tarball of the image, published as a TarballImageAsset.
tarapp=$WORK/tarapp
mkdir -p "$tarapp"
"$REAL_DOCKER" save -o "$tarapp/image.tar" "cdkasset-$id1"
nblobs=$(python3 -c '
import json, sys, tarfile
m = json.load(tarfile.open(sys.argv[1]).extractfile("manifest.json"))
print(1 + len(m[0]["Layers"]))' "$tarapp/image.tar")
tar_app() { # REPO TAG
	cat >"$tarapp/T.assets.json" <<JSON
{"version":"55.0.0","dockerImages":{"tar-$2":{"source":{"executable":["sh","-c","docker load -i \"\$1\" | tail -n 1 | sed \"s/Loaded image[^:]*: //g\"","cdk-tarball-image-asset","image.tar"]},
 "destinations":{"d":{"repositoryName":"$1","imageTag":"$2"}}}}}
JSON
}

echo "== daemonless: manifest PUT 503 once; the retry re-uploads no blob"
trepo=ecra/retry-tar-$$
tar_app "$trepo" t1
flaky '{"fail":1,"match":"manifests","mode":"503"}'
CDK_DOCKER=/nonexistent/docker run_cli 0 "$tarapp/T.assets.json" \
	--registry "$proxy" --daemonless-tarballs
expect_out "retrying push of $proxy/$trepo:t1 in 1s (attempt 2/3): registry '$proxy': pushing a manifest: HTTP 503 UNAVAILABLE"
expect_out "published 1"
# blobs: one POST + one PUT each, in the first attempt only; manifest
# PUT twice
writes=$(flaky_stat writes)
[ "$writes" = $((2 * nblobs + 2)) ] ||
	fail "$writes write requests for $nblobs blobs: the retry uploaded blobs again"
tags_of "$ECRA_REGISTRY" "$trepo" | grep -qF '"t1"' || fail "t1 not in the registry"

echo "== daemonless: blob writes reset, retried"
# two resets: libcurl itself resends once on a fresh connection when a
# reused one dies, so the second reset is the one we see
tar_app "ecra/retry-reset-$$" t2
flaky '{"fail":2,"match":"blobs","mode":"reset"}'
CDK_DOCKER=/nonexistent/docker run_cli 0 "$tarapp/T.assets.json" \
	--registry "$proxy" --daemonless-tarballs
# The registry engine retries a reset blob write itself (it asks the
# upload session where it stands and goes on), so the push may succeed
# without a push-level retry; either way the resets happened and were
# overcome.
[ "$(flaky_stat failed)" -ge 1 ] || fail "the proxy reset no blob write"
expect_out "published 1"
tags_of "$ECRA_REGISTRY" "ecra/retry-reset-$$" | grep -qF '"t2"' || fail "t2 not in the registry"

echo "== daemonless: registry stays down, 3 attempts, exit 1"
tar_app "ecra/retry-down-$$" t3
flaky '{"fail":-1,"match":"any","mode":"503"}'
CDK_DOCKER=/nonexistent/docker run_cli 1 "$tarapp/T.assets.json" \
	--registry "$proxy" --daemonless-tarballs
expect_out "(attempt 2/3)"
expect_out "retrying push of $proxy/ecra/retry-down-$$:t3 in 2s (attempt 3/3)"
expect_out "Failure: tar-t3:d: push failed after 3 attempts: registry '$proxy': starting a blob upload: HTTP 503 UNAVAILABLE"
# The engine uploads blobs in parallel: each attempt sees one failed
# upload start per blob in flight (1..nblobs), never more.
nfailed=$(flaky_stat failed)
[ "$nfailed" -ge 3 ] && [ "$nfailed" -le $((3 * nblobs)) ] ||
	fail "expected 3 to $((3 * nblobs)) failed uploads, got $nfailed"
flaky '{"fail":0}'

echo "== authentication required: not retried"
tar_app "ecra/retry-auth-$$" t4
CDK_DOCKER=/nonexistent/docker run_cli 1 "$tarapp/T.assets.json" \
	--registry "$ECRA_AUTH_REGISTRY" --daemonless-tarballs
expect_out "requires authentication"
expect_no_out "retrying push"
no_temp_left
echo "publish_retry: ok"
