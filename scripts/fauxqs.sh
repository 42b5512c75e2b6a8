#!/usr/bin/env bash
# scripts/fauxqs.sh — install and start the pinned fauxqs SQS emulator for tests.
#
#   scripts/fauxqs.sh install             npm-install the pinned fauxqs into the cache
#                                         (no-op when it is already there)
#   scripts/fauxqs.sh start PORT [LOG]    start fauxqs on PORT in the background, wait until
#                                         /health answers, and print shell assignments for
#                                         `eval`: FAUXQS_PID, MSSQLDUMP_TEST_SQS_ENDPOINT
#
# fauxqs keeps everything in memory and accepts any AWS credentials; the SQS
# tests use dummy ones and region us-east-1. Stop it with `kill "$FAUXQS_PID"`.
set -euo pipefail

FAUXQS_VERSION=1.9.2
CACHE=${MSSQLDUMP_CACHE:-$HOME/.cache/mssqldump}
DIR=$CACHE/fauxqs-$FAUXQS_VERSION
CLI=$DIR/node_modules/fauxqs/dist/cli.js

usage() {
	sed -n '2,11p' "$0" >&2
	exit 2
}

install_fauxqs() {
	if [ -f "$CLI" ]; then
		return 0
	fi
	mkdir -p "$DIR"
	npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "fauxqs@$FAUXQS_VERSION" >&2
	[ -f "$CLI" ] || { echo "fauxqs.sh: npm install did not produce $CLI" >&2; exit 1; }
}

start_fauxqs() {
	local port=$1 log=${2:-/dev/null}
	case $port in '' | *[!0-9]*) echo "fauxqs.sh: PORT must be a number, got '$port'" >&2; exit 2 ;; esac
	install_fauxqs
	FAUXQS_PORT=$port FAUXQS_LOGGER=false nohup node "$CLI" </dev/null >"$log" 2>&1 &
	local pid=$! endpoint=http://127.0.0.1:$port
	for _ in $(seq 1 120); do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "fauxqs.sh: fauxqs exited during start-up (log: $log)" >&2
			exit 1
		fi
		if curl -fsS -o /dev/null "$endpoint/health" 2>/dev/null; then
			printf 'FAUXQS_PID=%q\n' "$pid"
			printf 'export MSSQLDUMP_TEST_SQS_ENDPOINT=%q\n' "$endpoint"
			return 0
		fi
		sleep 0.25
	done
	kill "$pid" 2>/dev/null || true
	echo "fauxqs.sh: fauxqs did not answer at $endpoint/health within 30s" >&2
	exit 1
}

case ${1:-} in
install) install_fauxqs ;;
start)
	[ $# -ge 2 ] || usage
	start_fauxqs "$2" "${3:-}"
	;;
*) usage ;;
esac
