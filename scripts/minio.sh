#!/usr/bin/env bash
# scripts/minio.sh — install and start the pinned MinIO server for tests.
#
#   scripts/minio.sh install                 go install the pinned server into the cache
#                                            (no-op when the binary is already there)
#   scripts/minio.sh path                    print the binary's path
#   scripts/minio.sh start DIR PORT [LOG]    start `minio server DIR` on 127.0.0.1:PORT in the
#                                            background, wait until /minio/health/live answers,
#                                            and print shell assignments for `eval`:
#                                            MINIO_PID, MSSQLDUMP_TEST_S3_ENDPOINT,
#                                            AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
#   scripts/minio.sh stop PID                stop the server started above and wait (at most
#                                            10s, then SIGKILL) until it has exited
#
# The server's output goes to LOG (default DIR.log), never to stdout, so that
# `eval "$(scripts/minio.sh start ...)"` returns as soon as the server is up.
# Credentials: MINIO_ROOT_USER / MINIO_ROOT_PASSWORD if set, else fixed
# loopback-only test values. Stop the server with `kill "$MINIO_PID"`.
set -euo pipefail

# The pinned server version (a Go module pseudo-version of github.com/minio/minio).
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

CACHE=${MSSQLDUMP_CACHE:-$HOME/.cache/mssqldump}
BIN_DIR=$CACHE/minio-$MINIO_VERSION
BIN=$BIN_DIR/minio

usage() {
	sed -n '2,18p' "$0" >&2
	exit 2
}

install_minio() {
	if [ -x "$BIN" ]; then
		return 0
	fi
	mkdir -p "$BIN_DIR"
	echo "installing MinIO $MINIO_VERSION into $BIN_DIR (takes a few minutes)" >&2
	# GOFLAGS from the caller (e.g. -mod=...) must not apply to this build.
	GOBIN=$BIN_DIR GOFLAGS= CGO_ENABLED=0 go install "github.com/minio/minio@$MINIO_VERSION" >&2
	[ -x "$BIN" ] || { echo "go install did not produce $BIN" >&2; exit 1; }
}

start_minio() {
	local dir=$1 port=$2 log=${3:-$1.log}
	case $port in '' | *[!0-9]*) echo "minio.sh: PORT must be a number, got '$port'" >&2; exit 2 ;; esac
	install_minio
	mkdir -p "$dir"
	local user=${MINIO_ROOT_USER:-mssqldump-test}
	local pass=${MINIO_ROOT_PASSWORD:-mssqldump-test-secret}
	local endpoint=http://127.0.0.1:$port
	# The web console is not needed by tests; it is switched off and bound to
	# a kernel-chosen loopback port so that it can never collide.
	MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$pass MINIO_BROWSER=off \
		MINIO_UPDATE=off MINIO_CI_CD=1 \
		nohup "$BIN" server "$dir" --quiet \
		--address "127.0.0.1:$port" --console-address "127.0.0.1:0" \
		</dev/null >"$log" 2>&1 &
	local pid=$!
	for _ in $(seq 1 240); do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "minio.sh: MinIO exited during start-up; log $log:" >&2
			cat "$log" >&2
			exit 1
		fi
		if curl -fsS -o /dev/null "$endpoint/minio/health/live" 2>/dev/null; then
			printf 'MINIO_PID=%q\n' "$pid"
			printf 'export MSSQLDUMP_TEST_S3_ENDPOINT=%q\n' "$endpoint"
			printf 'export AWS_ACCESS_KEY_ID=%q\n' "$user"
			printf 'export AWS_SECRET_ACCESS_KEY=%q\n' "$pass"
			printf 'export AWS_REGION=%q\n' "${AWS_REGION:-us-east-1}"
			return 0
		fi
		sleep 0.25
	done
	kill "$pid" 2>/dev/null || true
	echo "minio.sh: MinIO did not answer at $endpoint/minio/health/live within 60s; log $log:" >&2
	cat "$log" >&2
	exit 1
}

stop_minio() {
	local pid=$1
	case $pid in '' | *[!0-9]*) echo "minio.sh: PID must be a number, got '$pid'" >&2; exit 2 ;; esac
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.25
	done
	kill -KILL "$pid" 2>/dev/null || true
}

case ${1:-} in
install) install_minio ;;
path) echo "$BIN" ;;
stop)
	[ $# -ge 2 ] || usage
	stop_minio "$2"
	;;
start)
	[ $# -ge 3 ] || usage
	start_minio "$2" "$3" "${4:-}"
	;;
*) usage ;;
esac
