#!/usr/bin/env bash
# Offline validation of mssqldump's deployment artefacts; CI runs it.
#
#   scripts/validate-deploy.sh
#
# Checks, without Docker engine or AWS account:
#   - every CloudFormation template in deploy/aws with @aws/cloudformation-validate
#     (pinned, strict mode: warnings fail), and that the known-bad templates
#     marked "rejected-by: cfn-validate" ARE rejected;
#   - the Go deployment tests (compose files via compose-go, the project's own
#     CloudFormation rules and known-bad templates, rendered user data through
#     bash -n and shellcheck, NATS definitions on an embedded JetStream server
#     and a 3-node cluster, the systemd unit), with every tool required;
#   - the systemd unit with systemd-analyze (verify, security exposure);
#   - shell scripts with shellcheck;
#   - agent/service cross-compiled for windows/amd64 and vetted for
#     linux/amd64 and linux/arm64, plus the agent binary when it exists.
#
# Installs what is missing: the validator into a versioned cache directory
# with npm, shellcheck with apt-get. Ends with "validate-deploy: N passed,
# N failed" and exits non-zero when any step failed.
set -euo pipefail

cd "$(dirname "$0")/.."

readonly CFN_VALIDATE_VERSION=1.9.0-beta
readonly cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mssqldump"
readonly cfn_prefix="$cache_root/cfn-validate-$CFN_VALIDATE_VERSION"
readonly cfn_modules="$cfn_prefix/node_modules"

passed=0
failed=0
failures=()

step() {
	local name=$1
	shift
	echo "=== $name"
	if "$@"; then
		echo "--- ok: $name"
		passed=$((passed + 1))
	else
		echo "--- FAILED: $name"
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

install_cfn_validate() {
	local installed
	installed=$(node -p "require('$cfn_modules/@aws/cloudformation-validate/package.json').version" 2>/dev/null || true)
	if [ "$installed" = "$CFN_VALIDATE_VERSION" ]; then
		return 0
	fi
	mkdir -p "$cfn_prefix"
	npm install --prefix "$cfn_prefix" --no-audit --no-fund --ignore-scripts --no-save \
		"@aws/cloudformation-validate@$CFN_VALIDATE_VERSION" >/dev/null
	installed=$(node -p "require('$cfn_modules/@aws/cloudformation-validate/package.json').version")
	[ "$installed" = "$CFN_VALIDATE_VERSION" ]
}

install_shellcheck() {
	# python3 runs the reply-queue sweeper's Lambda code in the Go tests.
	command -v shellcheck >/dev/null && command -v python3 >/dev/null && return 0
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	"${sudo[@]}" apt-get install -y -qq shellcheck python3 >/dev/null 2>&1 ||
		{ "${sudo[@]}" apt-get update -qq >/dev/null && "${sudo[@]}" apt-get install -y -qq shellcheck python3 >/dev/null; }
	command -v shellcheck >/dev/null && command -v python3 >/dev/null
}

need_node() {
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		echo "node and npm (>= 20) are required" >&2
		return 1
	fi
	local major
	major=$(node -p 'process.versions.node.split(".")[0]')
	[ "$major" -ge 20 ] || {
		echo "node $major is too old; @aws/cloudformation-validate needs >= 20" >&2
		return 1
	}
}

cfn_validate() {
	NODE_PATH="$cfn_modules" node deploy/aws/cfn-validate.cjs "$@"
}

validate_templates() {
	local templates=(deploy/aws/*.yaml deploy/aws/testdata/good-*.yaml)
	cfn_validate "${templates[@]}"
}

known_bad_rejected() {
	local bad=() f
	for f in deploy/aws/testdata/bad-*.yaml; do
		if grep -q '^# rejected-by:.*cfn-validate' "$f"; then
			bad+=("$f")
		fi
	done
	if [ "${#bad[@]}" -eq 0 ]; then
		echo "no known-bad template is marked rejected-by: cfn-validate" >&2
		return 1
	fi
	cfn_validate --expect-fail "${bad[@]}"
}

go_deploy_tests() {
	MSSQLDUMP_DEPLOY_STRICT=1 MSSQLDUMP_CFN_VALIDATE_NODE_PATH="$cfn_modules" \
		go test -race -count=1 ./deploy/... ./agent/service/...
}

systemd_unit() {
	if ! command -v systemd-analyze >/dev/null; then
		echo "systemd-analyze not available; the Go tests still checked the unit" >&2
		return 0
	fi
	local dir
	dir=$(mktemp -d)
	# verify wants the ExecStart binary and the EnvironmentFile to exist.
	sed -e 's|^ExecStart=.*|ExecStart=/bin/true|' -e 's|^EnvironmentFile=|EnvironmentFile=-|' \
		deploy/systemd/mssqldump-agent.service >"$dir/mssqldump-agent.service"
	local rc=0
	systemd-analyze verify "$dir/mssqldump-agent.service" || rc=$?
	if [ "$rc" -eq 0 ]; then
		# Exposure above 2.0 (of 10) fails: the unit scores about 1.4.
		systemd-analyze security --offline=true --threshold=20 "$dir/mssqldump-agent.service" | tail -1 || rc=$?
	fi
	rm -rf "$dir"
	return "$rc"
}

shell_scripts() {
	shellcheck --shell=sh deploy/nats/provision.sh &&
		shellcheck --shell=bash scripts/validate-deploy.sh
}

cross_compile() {
	GOOS=windows GOARCH=amd64 go build ./agent/service/... &&
		GOOS=windows GOARCH=amd64 go vet ./agent/service/... &&
		GOOS=linux GOARCH=amd64 go vet ./agent/service/... &&
		GOOS=linux GOARCH=arm64 go vet ./agent/service/...
}

cross_compile_binaries() {
	local pkgs=() p
	for p in ./cmd/mssqldump-agent ./cmd/mssqldump; do
		[ -d "$p" ] && pkgs+=("$p")
	done
	if [ "${#pkgs[@]}" -eq 0 ]; then
		echo "cmd/mssqldump-agent and cmd/mssqldump are not in this tree yet" >&2
		return 1
	fi
	local target out
	out=$(mktemp -d)
	for target in windows/amd64 linux/amd64 linux/arm64; do
		echo "building ${pkgs[*]} for $target"
		CGO_ENABLED=0 GOOS=${target%/*} GOARCH=${target#*/} go build -trimpath -o "$out/" "${pkgs[@]}" || {
			rm -rf "$out"
			return 1
		}
	done
	rm -rf "$out"
}

step "node >= 20 and npm present" need_node
step "install @aws/cloudformation-validate@$CFN_VALIDATE_VERSION" install_cfn_validate
step "install shellcheck" install_shellcheck
step "cloudformation-validate (strict) accepts deploy/aws templates" validate_templates
step "cloudformation-validate rejects known-bad templates" known_bad_rejected
step "go deployment tests (compose, CloudFormation rules, user data, NATS, systemd)" go_deploy_tests
step "systemd-analyze verify/security on the agent unit" systemd_unit
step "shellcheck on deploy scripts" shell_scripts
step "agent/service cross-compiles (windows/amd64, linux/amd64, linux/arm64)" cross_compile
step "agent and CLI cross-compile (windows/amd64, linux/amd64, linux/arm64)" cross_compile_binaries

for f in "${failures[@]}"; do
	echo "FAILED: $f"
done
echo "validate-deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
