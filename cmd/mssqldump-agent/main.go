// Command mssqldump-agent is one member of the mssqldump agent fleet: it
// takes dump jobs from the broker one at a time per worker, scripts the SQL
// Server database, streams the script to the blob store and answers the CLI.
//
//	mssqldump-agent --broker nats://nats:4222 --blob minio://minio:9000/dumps?secure=false
//	mssqldump-agent keygen --out /etc/mssqldump/seal.key
//	mssqldump-agent config                # print the effective configuration
//	mssqldump-agent install --config C:\ProgramData\mssqldump\agent.yaml   (Windows)
//
// Every flag also reads an MSSQLDUMP_* environment variable and a key in the
// --config file; a flag beats the environment, which beats the file.
// SIGTERM (systemd, docker) or a Windows service stop drains the agent: no
// new jobs, jobs in flight finish or are handed back, then it exits 0.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}
