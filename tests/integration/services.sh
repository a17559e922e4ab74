#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/services.sh start|stop|status - the integration services.
#
# start (idempotent: only what is not running is started)
#   1. a private dockerd on unix://$WORK/docker.sock (no bridge, no
#      iptables: it never touches the host network);
#   2. the base image ecra-busybox:latest, imported from Debian's
#      busybox-static (no pulls are possible here);
#   3. two docker-registry instances on 127.0.0.1: one without auth, one
#      with htpasswd (bcrypt) auth;
#   4. the ECR + STS stand-in (ecr_standin.py) in front of the auth
#      registry;
#   and writes tests/integration/services.env (see the end of this file).
# stop   kills what start started (by the pids it recorded, checked against
#        their command lines) and nothing else.
# status prints each service and exits 0 only if all are up.
#
# $ECRA_SERVICES_WORK (default tests/integration/work, gitignored) holds
# sockets, data, logs and pid files. Everything listens on 127.0.0.1 or a
# unix socket only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
WORK=${ECRA_SERVICES_WORK:-$here/work}
ENV_FILE=${ECRA_SERVICES_ENV:-$here/services.env}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
SOCK=$WORK/docker.sock
REG_USER=ecra
AWS_AK=AKIAECRATEST00000001
AWS_SK=ecra/test/secret/key/000000000000000000
ACCOUNT=123456789012
auth_restarted=0
STANDIN_REPOS=(ecra/test ecra/smoke cdk-hnb659fds-container-assets-123456789012-us-east-1)

say() { echo "services: $*" >&2; }
die() {
	say "error: $*"
	exit 1
}

# The docker client for everything here: the first on PATH (classic
# builder is enough for import/push/pull).
docker_cli() { docker -H "unix://$SOCK" "$@"; }

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# alive NAME: the pid in $WORK/NAME.pid runs and is ours (its command line
# mentions $WORK).
alive() {
	local pidf=$WORK/$1.pid pid
	[ -s "$pidf" ] || return 1
	pid=$(cat "$pidf")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$WORK"
}

# stop_one NAME [SECONDS]: TERM, wait, then KILL.
stop_one() {
	local name=$1 wait=${2:-15} pid i
	if alive "$name"; then
		pid=$(cat "$WORK/$name.pid")
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < wait * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			say "$name ($pid) did not stop; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		say "stopped $name ($pid)"
	fi
	rm -f "$WORK/$name.pid"
}

# wait_http URL CODES SECONDS: until curl gets one of CODES.
wait_http() {
	local url=$1 codes=$2 secs=$3 i code
	for ((i = 0; i < secs * 10; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' \
			--max-time 2 "$url" || true)
		case " $codes " in *" $code "*) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

start_dockerd() {
	if alive dockerd && docker_cli info >/dev/null 2>&1; then
		say "dockerd already running ($(cat "$WORK/dockerd.pid"))"
		return
	fi
	command -v dockerd >/dev/null || die "dockerd not found (install docker.io)"
	mkdir -p "$WORK/docker-data" "$WORK/docker-exec"
	rm -f "$SOCK" "$WORK/dockerd.pid"
	say "starting dockerd on unix://$SOCK"
	setsid dockerd --host "unix://$SOCK" \
		--data-root "$WORK/docker-data" --exec-root "$WORK/docker-exec" \
		--pidfile "$WORK/dockerd.pid" --bridge=none --iptables=false \
		--ip6tables=false --ip-forward=false --ip-masq=false \
		</dev/null >"$WORK/dockerd.log" 2>&1 &
	local pid=$! i
	for ((i = 0; i < 600; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			say "dockerd exited early; last lines of $WORK/dockerd.log:"
			tail -n 30 "$WORK/dockerd.log" >&2 || true
			exit 1
		fi
		docker_cli info >/dev/null 2>&1 && break
		sleep 0.1
	done
	if ! docker_cli info >/dev/null 2>&1; then
		say "dockerd did not answer within 60 s; last lines of $WORK/dockerd.log:"
		tail -n 30 "$WORK/dockerd.log" >&2 || true
		kill -TERM "$pid" 2>/dev/null || true
		exit 1
	fi
	echo "$pid" >"$WORK/dockerd.pid"
	say "dockerd up ($pid)"
}

build_base_image() {
	if docker_cli image inspect ecra-busybox:latest >/dev/null 2>&1; then
		return
	fi
	local bb root
	bb=/bin/busybox
	[ -x "$bb" ] || bb=$(command -v busybox || true)
	[ -n "$bb" ] && [ -x "$bb" ] || die "busybox not found (install busybox-static)"
	if ldd "$bb" >/dev/null 2>&1; then
		die "$bb is dynamically linked; install busybox-static"
	fi
	say "importing ecra-busybox:latest from $bb"
	root=$WORK/busybox-root
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
	cp "$bb" "$root/bin/busybox"
	local applet
	for applet in $("$bb" --list); do
		[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	chmod 1777 "$root/tmp"
	tar -C "$root" --owner=0 --group=0 --numeric-owner -c . |
		docker_cli import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - \
			ecra-busybox:latest >/dev/null
	rm -rf "$root"
}

# start_registry NAME AUTH(0|1)
start_registry() {
	local name=$1 auth=$2 port dir=$WORK/$1
	if alive "$name"; then
		say "$name already running on $(cat "$WORK/$name.port")"
		return
	fi
	command -v docker-registry >/dev/null || die "docker-registry not found"
	port=$(free_port)
	mkdir -p "$dir/data"
	{
		echo "version: 0.1"
		# info: access lines (the engine tests look for mounts there)
		echo "log: {level: info}"
		echo "storage:"
		echo "  filesystem: {rootdirectory: $dir/data}"
		echo "  delete: {enabled: true}"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		echo "  secret: $("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
		if [ "$auth" = 1 ]; then
			echo "auth:"
			echo "  htpasswd: {realm: ecra-registry, path: $WORK/htpasswd}"
		fi
	} >"$dir/config.yml"
	[ "$name" = registry-auth ] && auth_restarted=1
	say "starting $name on 127.0.0.1:$port"
	setsid docker-registry serve "$dir/config.yml" </dev/null \
		>"$WORK/$name.log" 2>&1 &
	echo $! >"$WORK/$name.pid"
	echo "$port" >"$WORK/$name.port"
	if ! wait_http "http://127.0.0.1:$port/v2/" "200 401" 30; then
		say "$name did not answer; last lines of $WORK/$name.log:"
		tail -n 20 "$WORK/$name.log" >&2 || true
		exit 1
	fi
}

start_standin() {
	if [ "$auth_restarted" = 1 ] && alive standin; then
		say "the auth registry moved; restarting the ECR stand-in"
		stop_one standin 5
	fi
	if alive standin; then
		say "ECR stand-in already running on $(cat "$WORK/standin.port")"
		return
	fi
	"$PY" -c 'import botocore' 2>/dev/null ||
		die "$PY cannot import botocore (install python3-botocore)"
	local args=() r
	for r in "${STANDIN_REPOS[@]}"; do args+=(--repo "$r"); done
	rm -f "$WORK/standin.port"
	say "starting the ECR stand-in"
	setsid "$PY" "$here/ecr_standin.py" --port-file "$WORK/standin.port" \
		--registry "127.0.0.1:$(cat "$WORK/registry-auth.port")" \
		--registry-user "$REG_USER" \
		--registry-password "$(cat "$WORK/registry-password")" \
		--access-key "$AWS_AK" --secret-key "$AWS_SK" --account "$ACCOUNT" \
		--log "$WORK/standin-calls.jsonl" "${args[@]}" \
		</dev/null >"$WORK/standin.log" 2>&1 &
	echo $! >"$WORK/standin.pid"
	local i
	for ((i = 0; i < 300; i++)); do
		[ -s "$WORK/standin.port" ] && break
		kill -0 "$(cat "$WORK/standin.pid")" 2>/dev/null || break
		sleep 0.1
	done
	if ! [ -s "$WORK/standin.port" ] ||
		! wait_http "http://127.0.0.1:$(cat "$WORK/standin.port")/__health" 200 10; then
		say "the ECR stand-in did not start; $WORK/standin.log:"
		tail -n 20 "$WORK/standin.log" >&2 || true
		exit 1
	fi
}

write_env() {
	local tmp=$ENV_FILE.tmp classic buildkit
	classic=$(command -v docker || true)
	buildkit=/usr/bin/docker
	[ -x "$buildkit" ] || buildkit=$classic
	mkdir -p "$WORK/docker-config" "$WORK/aws"
	[ -f "$WORK/docker-config/config.json" ] ||
		echo '{}' >"$WORK/docker-config/config.json"
	cat >"$tmp" <<EOF
# Written by tests/integration/services.sh start; do not edit.
export DOCKER_HOST=unix://$SOCK
# A throwaway docker config: logins never touch ~/.docker.
export DOCKER_CONFIG=$WORK/docker-config
# The docker client first on PATH (docker 28 here: classic builder only).
export ECRA_DOCKER=$classic
# The client for BuildKit builds: run it with DOCKER_BUILDKIT=1, and pass
# --network none when the Dockerfile has RUN steps (the daemon has no
# bridge network).
export ECRA_DOCKER_BUILDKIT=$buildkit
export ECRA_BASE_IMAGE=ecra-busybox:latest
export ECRA_REGISTRY=127.0.0.1:$(cat "$WORK/registry.port")
export ECRA_AUTH_REGISTRY=127.0.0.1:$(cat "$WORK/registry-auth.port")
export ECRA_REGISTRY_USER=$REG_USER
export ECRA_REGISTRY_PASSWORD=$(cat "$WORK/registry-password")
export ECRA_ECR_ENDPOINT=http://127.0.0.1:$(cat "$WORK/standin.port")
export ECRA_ECR_LOG=$WORK/standin-calls.jsonl
export ECRA_AWS_ACCOUNT=$ACCOUNT
# AWS test credentials, accepted by the stand-in only. Every AWS endpoint
# points at the stand-in, so nothing can reach real AWS.
export AWS_ACCESS_KEY_ID=$AWS_AK
export AWS_SECRET_ACCESS_KEY=$AWS_SK
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$WORK/standin.port")
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=$WORK/aws/config
export AWS_SHARED_CREDENTIALS_FILE=$WORK/aws/credentials
# Guard: older SDKs (Debian's awscli 2.9) ignore AWS_ENDPOINT_URL; any
# request that is not for loopback goes to a closed loopback port instead
# of the internet.
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9
export https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1
EOF
	mv "$tmp" "$ENV_FILE"
}

cmd_start() {
	mkdir -p "$WORK"
	command -v curl >/dev/null || die "curl not found"
	start_dockerd
	build_base_image
	if ! [ -s "$WORK/registry-password" ] || ! [ -s "$WORK/htpasswd" ]; then
		"$PY" -c 'import secrets; print(secrets.token_hex(12))' \
			>"$WORK/registry-password"
		command -v htpasswd >/dev/null || die "htpasswd not found (install apache2-utils)"
		# bcrypt at its lowest cost: the registry re-checks the
		# password on every request, and at htpasswd's default that
		# was the largest server-side cost of a publish check (for
		# every client alike). The password itself is random.
		htpasswd -Bbn -C 4 "$REG_USER" \
			"$(cat "$WORK/registry-password")" \
			>"$WORK/htpasswd" 2>/dev/null
	fi
	start_registry registry 0
	start_registry registry-auth 1
	start_standin
	write_env
	say "ready; source $ENV_FILE"
}

cmd_stop() {
	[ -d "$WORK" ] || return 0
	stop_one standin 5
	stop_one registry-auth 10
	stop_one registry 10
	stop_one dockerd 40
	rm -f "$ENV_FILE" "$SOCK"
}

cmd_status() {
	local ok=0 n
	for n in dockerd registry registry-auth standin; do
		if alive "$n"; then
			echo "$n: running ($(cat "$WORK/$n.pid"))"
		else
			echo "$n: stopped"
			ok=1
		fi
	done
	return $ok
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*)
	echo "usage: $0 start|stop|status" >&2
	exit 2
	;;
esac
