#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/publish_progress.sh - byte counts of `docker push`,
# read from docker's own progress (it runs with stdout on a
# pseudo-terminal), with both docker clients of the services (28 and
# 20.10), against the real docker-registry in registry mode:
#   - the argv is cdk-assets' (`push <ref>`, nothing added);
#   - one `transfer: uploaded layer <id> 20.x/20.x MB` line for the new
#     20 MB layer, docker's own lines kept without its progress redraws,
#     the image's bytes and rate on the success line;
#   - --json transfer events with bytes_done < bytes_total while pushing
#     and the layer's bytes once pushed;
#   - on a terminal the live line shows bytes done/total, rate and ETA.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=publish_lib.sh
. "$here/publish_lib.sh"

acct=123456789012

# The second client behind the same logging wrapper as CDK_DOCKER's.
sed 's|^exec .*|exec /usr/bin/docker "$@"|' "$CDK_DOCKER" >"$WORK/docker-2010"
chmod +x "$WORK/docker-2010"
clients=("$CDK_DOCKER")
[ -x /usr/bin/docker ] && clients+=("$WORK/docker-2010")

n=0
for client in "${clients[@]}"; do
	n=$((n + 1))
	echo "== docker push progress with $client"
	id=$(printf 'progress-%s-%s' "$n" "$$$(date +%s%N)" | sha256sum | cut -c1-64)
	app=$WORK/app$n
	make_app "$app" ProgressStack "$id" "progress $id"
	head -c 20000000 /dev/urandom >"$app/asset.$id/big.bin"
	echo 'COPY big.bin /big.bin' >>"$app/asset.$id/Dockerfile"
	ref=$ECRA_REGISTRY/cdk-hnb659fds-container-assets-$acct-us-east-1:$id

	CDK_DOCKER=$client run_cli 0 "$app" --registry "$ECRA_REGISTRY" --account $acct
	grep -qxF "$(printf 'push\t%s' "$ref")" "$LOG" || fail "docker push argv changed: $(grep push "$LOG")"
	[ "$(grep -cE '^verbose: \[[0-9]+%\] transfer: uploaded layer [0-9a-f]{12} 20\.[0-9]/20\.[0-9] MB' "$WORK/out")" = 1 ] ||
		fail "expected one line for the 20 MB layer: $(grep transfer "$WORK/out")"
	grep -qE '^[0-9a-f]{12}: Pushed$' "$WORK/out" || fail "docker's Pushed line is gone"
	! grep -q 'Pushing\|\[[0-9]*[AB]\|transfer: blob-progress' "$WORK/out" ||
		fail "progress redraws or escapes in the output: $(grep -a 'Pushing' "$WORK/out" | head -3 | cat -v)"
	grep -qE '^info   : \[100%\] success: Published .* \([0-9.]+ MB in [0-9.]+s, [0-9.]+ [kMG]?B/s\)$' "$WORK/out" ||
		fail "the success line lacks the image's bytes: $(grep success "$WORK/out")"

	"$ECRA_CLI" publish "$app" --registry "$ECRA_REGISTRY" --account $acct --force --json \
		>"$WORK/json" 2>"$WORK/json.err" </dev/null || fail "--json run failed"
	python3 - "$WORK/json" <<'PY' || fail "bad --json transfer events: $(grep transfer "$WORK/json" | head -5)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
tr = [e for e in ev if e["type"] == "transfer"]
assert tr, "no transfer events"
for e in tr:
    assert e["kind"] == "layer" and len(e["name"]) == 12, e
    assert e["bytes_done"] <= e["bytes_total"], e
done = [e for e in tr if e["stage"] == "blob-done"]
assert done and all(e["outcome"] in ("uploaded", "skipped", "mounted") for e in done), done
succ = [e for e in ev if e["type"] == "success"]
assert len(succ) == 1, succ
PY

	# A fresh layer: --force reuses the cached image, so rebuild.
	head -c 20000000 /dev/urandom >"$app/asset.$id/big.bin"
	"$REAL_DOCKER" rmi -f "cdkasset-$id" >/dev/null 2>&1 || true
	CDK_DOCKER=$client "$ECRA_CLI" publish "$app" --registry "$ECRA_REGISTRY" --account $acct --force --json \
		>"$WORK/json" 2>"$WORK/json.err" </dev/null || fail "--json run failed"
	python3 - "$WORK/json" <<'PY' || fail "bad --json byte counts: $(grep transfer "$WORK/json" | head -5)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
tr = [e for e in ev if e["type"] == "transfer"]
prog = [e for e in tr if e["stage"] == "blob-progress" and e["bytes_total"] > 19000000]
assert prog and 0 < prog[0]["bytes_done"] < prog[0]["bytes_total"], prog
big = [e for e in tr if e["stage"] == "blob-done" and e["outcome"] == "uploaded" and e["bytes_total"] > 19000000]
assert len(big) == 1 and big[0]["bytes_done"] == big[0]["bytes_total"], big
assert big[0]["image_bytes_done"] >= big[0]["bytes_total"], big
succ = [e for e in ev if e["type"] == "success"]
assert succ[0]["bytes"] > 19000000 and succ[0]["rate"] > 0, succ
PY

	if command -v script >/dev/null 2>&1; then
		head -c 20000000 /dev/urandom >"$app/asset.$id/big.bin"
		"$REAL_DOCKER" rmi -f "cdkasset-$id" >/dev/null 2>&1 || true
		CDK_DOCKER=$client TERM=xterm script -qec "'$ECRA_CLI' publish '$app' --registry '$ECRA_REGISTRY' --account $acct --force </dev/null" /dev/null >"$WORK/tty" 2>&1 ||
			fail "terminal run failed"
		grep -qaE "upload: ${id:0:40}\.\.\. [0-9.]+ [kMG]?B/[0-9.]+ [kMG]?B, [0-9.]+ [kMG]?B/s" "$WORK/tty" ||
			fail "the live line shows no bytes: $(tr '\r' '\n' <"$WORK/tty" | grep -a upload | head -3 | cat -v)"
	fi
done
no_temp_left
echo "publish_progress: ok"
