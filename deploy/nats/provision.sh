#!/bin/sh
# Creates the mssqldump JetStream stream, dead-letter stream and durable
# consumer from the JSON definitions beside this script, when absent.
# Re-running it changes nothing. Needs the nats CLI; NATS_URL (and, for a
# secured cluster, NATS_CREDS or a nats context) selects the server.
#
#   NATS_URL=nats://nats-1:4222 sh deploy/nats/provision.sh
set -eu

dir=$(cd "$(dirname "$0")" && pwd)

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
ensure_consumer MSSQLDUMP agents "$dir/consumer.json"
