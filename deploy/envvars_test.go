package deploy_test

// The ONE list of environment variables the binaries read, as the compose
// files must provide them. Keep it aligned with cmd/mssqldump and
// cmd/mssqldump-agent (flags read MSSQLDUMP_<FLAG>; the AWS SDK and the
// MinIO driver read the standard variables). compose_test.go checks every
// "required" variable is set in the matching services and that compose sets
// no MSSQLDUMP_* variable missing from this list (a typo would otherwise
// be silently ignored by the binaries).

type envNeed int

const (
	// required: compose must set it on every service running the binary.
	required envNeed = iota
	// optional: read when set; compose may leave it unset (documented why).
	optional
)

type envVar struct {
	name string
	need envNeed
	why  string
}

// agentEnv: what mssqldump-agent reads.
var agentEnv = []envVar{
	{"MSSQLDUMP_BROKER", required, "broker URL: nats://…?stream=MSSQLDUMP&consumer=agents or sqs://…"},
	{"MSSQLDUMP_BLOB", required, "blob URL: minio://host:9000/bucket?secure=false or s3://bucket?region=…"},
	{"MSSQLDUMP_CONCURRENCY", required, "jobs in parallel per agent"},
	{"MSSQLDUMP_LISTEN", required, "address of /healthz and /metrics (the container health check probes it)"},
	{"MSSQLDUMP_SEAL_KEY_FILE", required, "the fleet's private sealing key; public half published at fleet/public-key"},
	{"MSSQLDUMP_CREDENTIALS", optional, "agent-side credential source env:NAME|file:/path|secretsmanager:ARN; compose uses sealed -u/-p instead"},
	{"MSSQLDUMP_CONFIG", optional, "config file; compose configures through the environment (Windows uses one)"},
	{"MSSQLDUMP_MAX_ATTEMPTS", optional, "keep equal to the broker's max deliveries (5 by default everywhere)"},
	{"MSSQLDUMP_DRAIN_TIMEOUT", optional, "drain window on SIGTERM; compose's stop_grace_period exceeds the default 5m"},
	{"MSSQLDUMP_SEAL_KEY", optional, "the key as text instead of a file"},
	{"MSSQLDUMP_ALLOW_CREDENTIALS", optional, "credential references jobs may name"},
	{"MSSQLDUMP_ALLOW_SERVERS", optional, "SQL Servers jobs may name; compose allows its own mssql"},
	{"MSSQLDUMP_CREDENTIAL_SERVERS", optional, "per agent-side credential server lists; compose uses sealed -u/-p"},
	{"MSSQLDUMP_ENCRYPT", optional, "weakest TLS a job may ask for; mandatory by default"},
	{"MSSQLDUMP_LOG_FORMAT", optional, "json (default) or text"},
	{"MSSQLDUMP_LOG_LEVEL", optional, "info (default)"},
}

// cliEnv: what mssqldump reads.
var cliEnv = []envVar{
	{"MSSQLDUMP_BROKER", required, "same broker as the agents"},
	{"MSSQLDUMP_BLOB", required, "same blob store as the agents"},
	{"MSSQLDUMP_HOST", required, "SQL Server host as the agents reach it"},
	{"MSSQLDUMP_PORT", required, "SQL Server port"},
	{"MSSQLDUMP_USER", required, "login, sealed to the fleet key before it leaves the CLI"},
	{"MSSQLDUMP_PASSWORD", required, "password, sealed likewise"},
	{"MSSQLDUMP_DSN", optional, "alternative to host/port/user/password"},
	{"MSSQLDUMP_CREDENTIALS_REF", optional, "agent-side credential reference instead of -u/-p"},
	{"MSSQLDUMP_TRUST_SERVER_CERTIFICATE", optional, "compose's SQL Server has a self-signed certificate"},
	{"MSSQLDUMP_ENCRYPT", optional, "mandatory by default (certificate verified)"},
	{"MSSQLDUMP_HOST_NAME_IN_CERTIFICATE", optional, "certificate name when it is not the host"},
	{"MSSQLDUMP_AUTHENTICATION", optional, "SqlPassword by default; Entra ID methods for Azure SQL"},
}

// Credentials and endpoints the drivers read, per blob/broker scheme.
var driverEnv = map[string][]envVar{
	"minio": {
		{"MINIO_ACCESS_KEY", required, "minio-go credentials"},
		{"MINIO_SECRET_KEY", required, "minio-go credentials"},
	},
	"s3": {
		{"AWS_ACCESS_KEY_ID", required, "AWS SDK default chain (MinIO's key pair locally)"},
		{"AWS_SECRET_ACCESS_KEY", required, "AWS SDK default chain"},
		{"AWS_REGION", required, "AWS SDK region"},
	},
	"sqs": {
		{"AWS_ACCESS_KEY_ID", required, "AWS SDK default chain"},
		{"AWS_SECRET_ACCESS_KEY", required, "AWS SDK default chain"},
		{"AWS_REGION", required, "AWS SDK region"},
		{"AWS_ENDPOINT_URL_SQS", optional, "not needed: sqs+http://host:port/... sends SQS calls to that host"},
	},
	"nats": {},
}
