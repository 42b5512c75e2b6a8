#!/bin/sh
# Creates the mssqldump JetStream streams (jobs, dead letters, reply
# inboxes) and durable consumers from the JSON definitions in a directory
# (default: beside this script; deploy/nats/cluster for a 3-node cluster),
# when absent. They equal what the agent's JetStream driver creates itself
# (deploy/nats_test.go checks), so the two never fight over a setting.
# Re-running it changes nothing. Needs the nats CLI; NATS_URL (and, for a
# secured cluster, NATS_CREDS or a nats context) selects the server.
#
#   NATS_URL=nats://nats-1:4222 sh deploy/nats/provision.sh [DIR]
set -eu

dir=${1:-$(cd "$(dirname "$0")" && pwd)}

ensure_stream() {
	name=$1
	config=$2
	if nats stream info "$name" >/dev/null 2>&1; then
		echo "stream $name exists"
	else
		nats stream add "$name" --config "$config"
	fi
}

ensure_consumer() {
	stream=$1
	name=$2
	config=$3
	if nats consumer info "$stream" "$name" >/dev/null 2>&1; then
		echo "consumer $stream/$name exists"
	else
		nats consumer add "$stream" "$name" --config "$config"
	fi
}

ensure_stream MSSQLDUMP "$dir/stream.json"
ensure_stream MSSQLDUMP_DLQ "$dir/dlq-stream.json"
ensure_stream MSSQLDUMP_REPLY "$dir/reply-stream.json"
ensure_consumer MSSQLDUMP agents "$dir/consumer.json"
ensure_consumer MSSQLDUMP_DLQ agents_DLQ "$dir/dlq-consumer.json"
