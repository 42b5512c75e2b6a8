#!/usr/bin/env bash
# scripts/test.sh — the project's one test command (README.md, .ci/run).
#
# On a fresh machine with Go and Node 20 it installs what the tests need at
# pinned versions (MinIO server via `go install`, fauxqs via npm, shellcheck
# via apt, the CloudFormation validator via npm), caches them under
# ~/.cache/mssqldump, starts MinIO and fauxqs on free loopback ports, and runs
# every check: gofmt, go vet, staticcheck, the deploy validation (its Go tests in strict
# mode, and cross-compiles for linux/amd64, linux/arm64 and windows/amd64),
# and go test -race over the other packages, with skipping forbidden for the
# services started here. Services are stopped on exit.
#
# Environment: MSSQLDUMP_TEST_MSSQL_DSN, when set, also runs the SQL Server
# integration tests (none can run on CI machines, so they skip there).
# TEST_ARGS adds arguments to `go test` (e.g. TEST_ARGS='-run TestX').
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${MSSQLDUMP_CACHE:-$HOME/.cache/mssqldump}
mkdir -p "$CACHE"

work=$(mktemp -d "${TMPDIR:-/tmp}/mssqldump-test.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	# The services are not this shell's children, so wait cannot see them:
	# poll until each is gone, or MinIO may still write under $work while
	# it is removed ("Directory not empty").
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
	done
	rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work"; } || echo "test.sh: could not remove $work" >&2
}
trap cleanup EXIT

step() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

step "tools (curl, for the services' health checks)"
if ! command -v curl >/dev/null; then
	apt-get install -y -qq curl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq curl; }
fi

step "install MinIO server (pinned)"
scripts/minio.sh install

step "install fauxqs (pinned)"
scripts/fauxqs.sh install

step "start MinIO"
eval "$(scripts/minio.sh start "$work/minio" "$(free_port)" "$work/minio.log")"
pids+=("$MINIO_PID")

step "start fauxqs"
eval "$(scripts/fauxqs.sh start "$(free_port)" "$work/fauxqs.log")"
pids+=("$FAUXQS_PID")

# CI started these services: a test that needs one must not skip.
export MSSQLDUMP_TEST_DISALLOW_SKIP=1

step "gofmt"
# The go-mssqldb fork keeps upstream's files byte for byte (a small diff to
# upstream); only its own patch files (raw*.go) are checked there.
unformatted=$( (git ls-files '*.go' ':!third_party/go-mssqldb'; git ls-files 'third_party/go-mssqldb/raw*.go') | xargs gofmt -l)
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi

step "go vet"
go vet ./...

step "staticcheck (pinned; staticcheck.conf adds ST1000 package docs and ST1005 error strings)"
STATICCHECK_VERSION=v0.8.2
staticcheck_bin=$CACHE/staticcheck-$STATICCHECK_VERSION/staticcheck
if [ ! -x "$staticcheck_bin" ]; then
	GOBIN=$(dirname "$staticcheck_bin") GOFLAGS='' go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
"$staticcheck_bin" ./...

step "deploy validation and cross-compiles"
scripts/validate-deploy.sh

step "go test -race"
# validate-deploy.sh has just run the deploy and agent/service packages in
# strict mode (no tool may be missing); the rest runs here.
packages=$(go list ./... | grep -v -e '/deploy$' -e '/deploy/' -e '/agent/service$')
# shellcheck disable=SC2086
go test -race -count=1 -timeout 60m ${TEST_ARGS:-} $packages

step "go-mssqldb fork (third_party/go-mssqldb, its own module): go vet and the raw rows tests"
(cd third_party/go-mssqldb && go vet . && go test -race -count=1 -run Raw .)
