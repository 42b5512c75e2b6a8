#!/usr/bin/env bash
# scripts/bench-wire.sh — data at wire speed: mssqldump against a bulk export.
#
#   MSSQLDUMP_TEST_MSSQL_DSN='sqlserver://user:pass@host:port?encrypt=disable' scripts/bench-wire.sh [ROWS]
#
# Loads ROWS (default 1,000,000) rows × 8 mixed columns (int, bigint,
# nvarchar with non-ASCII text, varchar, decimal, datetime2, bit, float) into
# a new database on the server the DSN names, then times, side by side on
# the same table:
#
#   freebcp out -c                        (FreeTDS, Debian freetds-bin)
#   mssqldump --no-create-info --jobs 1   (embedded default, stdout to a file)
#   mssqldump --no-create-info --jobs 2   (the table read in key ranges)
#
# and checks that --jobs 2 wrote the bytes of --jobs 1. With BROKER and BLOB
# set (a nats:// URL and a minio:// or s3:// URL an agent fleet already
# serves, its AWS_* credentials in the environment) it also times the same
# dumps through that fleet, --jobs 1, 2 and 4, checks their bytes too, and
# with AGENT_PID set prints that agent's peak RSS (VmHWM) afterwards;
# BROKERED_FLAGS adds flags to those dumps (e.g. "--fleet --consistency none"
# to share their parts between the fleet's agents on an engine without
# database snapshots). It prints wall and
# CPU seconds, peak RSS and each figure's ratio to freebcp. The database
# (MSSQLDUMP_BENCH_DB, default speedbench) is dropped at the end unless
# KEEP=1; REUSE=1 then times the kept table again without reloading it. RUNS (default 3) runs of each; the best wall time counts.
# SERVER_USER (postgres for a local Babelfish, mssql for a local SQL Server on
# Linux) adds the server's CPU seconds of each run: the CPU of that user's
# processes, exited backends included, over the run.
# It builds mssqldump from this checkout (MSSQLDUMP_BIN names another
# binary, to compare builds) and never the server.
set -euo pipefail

ROWS=${1:-1000000}
RUNS=${RUNS:-3}
DB=${MSSQLDUMP_BENCH_DB:-speedbench}
DSN=${MSSQLDUMP_TEST_MSSQL_DSN:?set MSSQLDUMP_TEST_MSSQL_DSN to a sqlserver:// DSN}
command -v freebcp >/dev/null || { echo "freebcp not found: apt-get install freetds-bin" >&2; exit 2; }

# freebcp wants host, port, user and password apart.
re='^sqlserver://([^:@/]*)(:([^@]*))?@([^:/?]+)(:([0-9]+))?'
[[ $DSN =~ $re ]] || { echo "cannot read user@host:port from the DSN" >&2; exit 2; }
urldecode() { local s=${1//+/ }; printf '%b' "${s//%/\\x}"; }
USER_=$(urldecode "${BASH_REMATCH[1]}")
PASS=$(urldecode "${BASH_REMATCH[3]}")
HOST=${BASH_REMATCH[4]}
PORT=${BASH_REMATCH[6]:-1433}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MD=${MSSQLDUMP_BIN:-}
if [ -z "$MD" ]; then
	(cd "$ROOT" && go build -o "$WORK/mssqldump" ./cmd/mssqldump)
	MD="$WORK/mssqldump"
fi
export MSSQLDUMP_STATE_DIR="$WORK/state"

sql() { # sql DATABASE: run stdin as a script
	"$MD" --dsn "$DSN" --database "$1" --quiet restore
}

if [ "${KEEP:-}" != 1 ]; then
	trap 'printf "DROP DATABASE [%s];\nGO\n" "$DB" | sql master || true; rm -rf "$WORK"' EXIT
fi
if [ "${REUSE:-}" = 1 ]; then
	echo "reusing $DB.dbo.wide as loaded by an earlier KEEP=1 run" >&2
else
echo "loading $ROWS rows into $DB.dbo.wide" >&2
printf 'IF DB_ID(N%s) IS NOT NULL DROP DATABASE [%s];\nGO\nCREATE DATABASE [%s];\nGO\n' "'$DB'" "$DB" "$DB" | sql master
sql "$DB" <<EOF
CREATE TABLE dbo.wide (
  id int NOT NULL PRIMARY KEY,
  big bigint NOT NULL,
  name nvarchar(100) NULL,
  code varchar(40) NULL,
  amount decimal(18,4) NULL,
  created datetime2 NULL,
  flag bit NULL,
  ratio float NULL);
GO
WITH d AS (SELECT v FROM (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) AS t(v)),
n AS (SELECT a.v + 10*b.v + 100*c.v + 1000*e.v + 10000*f.v + 100000*g.v + 1000000*h.v AS i
      FROM d a CROSS JOIN d b CROSS JOIN d c CROSS JOIN d e CROSS JOIN d f CROSS JOIN d g CROSS JOIN d h)
INSERT INTO dbo.wide (id, big, name, code, amount, created, flag, ratio)
SELECT i + 1,
  CONVERT(bigint, i) * 1000003 - 500000000000,
  CASE WHEN i % 17 = 0 THEN NULL ELSE N'Zoë Ångström 東京 ' + CONVERT(nvarchar(12), i) + N' ok' END,
  'code-' + CONVERT(varchar(12), i * 7) + '-' + CONVERT(varchar(12), i % 977),
  CONVERT(decimal(18,4), i) / 7,
  DATEADD(second, i, CONVERT(datetime2, '2020-01-01T00:00:00')),
  CONVERT(bit, i % 2),
  CONVERT(float, i) / 3.0
FROM n WHERE i < $ROWS;
GO
EOF
fi

# server_ticks: the CPU clock ticks of SERVER_USER's processes so far
# (utime + stime + the reaped children's cutime + cstime), 0 without it.
server_ticks() {
	[ -n "${SERVER_USER:-}" ] || { echo 0; return; }
	local p t=0
	for p in $(pgrep -u "$SERVER_USER"); do
		# The fields after the command name's closing parenthesis.
		t=$((t + $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}' || echo 0)))
	done
	echo "$t"
}

# run NAME CMD...: best wall of RUNS, with that run's CPU, server CPU and RSS.
declare -A WALL CPU SCPU RSS BYTES
run() {
	local name=$1; shift
	local best="" before after
	for _ in $(seq "$RUNS"); do
		before=$(server_ticks)
		/usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
		sleep 0.2 # the server reaps the backends that logged out
		after=$(server_ticks)
		read -r wall user sys rss <"$WORK/time"
		if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
			best=$wall
			WALL[$name]=$wall
			CPU[$name]=$(awk "BEGIN{print $user + $sys}")
			SCPU[$name]=$(awk "BEGIN{printf \"%.2f\", ($after - $before) / $(getconf CLK_TCK)}")
			RSS[$name]=$((rss / 1024))
		fi
	done
}

export TDSVER=${TDSVER:-7.4}
run freebcp freebcp "$DB.dbo.wide" out "$WORK/wide.bcp" -c -S "$HOST:$PORT" -U "$USER_" -P "$PASS"
BYTES[freebcp]=$(stat -c %s "$WORK/wide.bcp")
for j in 1 2; do
	run "jobs$j" "$MD" --dsn "$DSN" --quiet --no-create-info --jobs "$j" -r "$WORK/jobs$j.sql" --database "$DB" dbo.wide
	BYTES[jobs$j]=$(stat -c %s "$WORK/jobs$j.sql")
done
same=no
cmp -s "$WORK/jobs1.sql" "$WORK/jobs2.sql" && same=yes
names="freebcp jobs1 jobs2"
if [ -n "${BROKER:-}" ] && [ -n "${BLOB:-}" ]; then
	for j in 1 2 4; do
		# shellcheck disable=SC2086 # BROKERED_FLAGS is a list of flags
		run "brokered$j" "$MD" --broker "$BROKER" --blob "$BLOB" --dsn "$DSN" --quiet --no-create-info --jobs "$j" \
			${BROKERED_FLAGS:-} -r "$WORK/brokered$j.sql" --database "$DB" dbo.wide
		BYTES[brokered$j]=$(stat -c %s "$WORK/brokered$j.sql")
		cmp -s "$WORK/jobs1.sql" "$WORK/brokered$j.sql" || same=no
	done
	names="$names brokered1 brokered2 brokered4"
fi

printf '%-34s %8s %8s %9s %9s %12s %9s\n' "$ROWS rows × 8 columns" "wall s" "CPU s" "server s" "RSS MiB" "bytes" "× freebcp"
for name in $names; do
	case $name in
	freebcp) label="freebcp out -c" ;;
	brokered*) label="  via JetStream + MinIO, --jobs ${name#brokered}" ;;
	*) label="mssqldump --no-create-info --jobs ${name#jobs}" ;;
	esac
	printf '%-34s %8s %8s %9s %9s %12s %9s\n' "$label" "${WALL[$name]}" "${CPU[$name]}" "${SCPU[$name]}" "${RSS[$name]}" "${BYTES[$name]}" \
		"$(awk "BEGIN{printf \"%.2f\", ${WALL[$name]} / ${WALL[freebcp]}}")"
done
if [ -n "${BROKER:-}" ] && [ -n "${BLOB:-}" ]; then
	echo "brokered --jobs 1 / embedded --jobs 1: $(awk "BEGIN{printf \"%.2f\", ${WALL[brokered1]} / ${WALL[jobs1]}}")"
	if [ -n "${AGENT_PID:-}" ]; then
		echo "agent peak RSS: $(awk '/VmHWM/ {printf "%d MiB", $2 / 1024}' "/proc/$AGENT_PID/status")"
	fi
fi
echo "every other output byte-identical to --jobs 1: $same"
[ "$same" = yes ]
