package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mssqldump/mssqldump/deploy/internal/cfn"
)

// sweeperHarness runs the Lambda's handler against a stub boto3 SQS client:
// queues of every kind, one that disappears between listing and reading.
const sweeperHarness = `
import sys, time, types

now = time.time()
HOUR = 3600
queues = {
    "https://sqs/1/mssqldump-reply-0123456789abcdef01234567.fifo": now - 13 * HOUR,  # abandoned
    "https://sqs/1/mssqldump-reply-abcdefabcdefabcdefabcdef.fifo": now - 1 * HOUR,   # CLI still waiting
    "https://sqs/1/mssqldump-reply-notours": now - 99 * HOUR,                        # not named by the CLI
    "https://sqs/1/mssqldump-reply-0123456789abcdef0123456X.fifo": now - 99 * HOUR,  # not hex
    "https://sqs/1/mssqldump-reply-ffffffffffffffffffffffff.fifo": None,             # gone meanwhile
}
deleted = []

class QueueDoesNotExist(Exception):
    pass

class Client:
    exceptions = types.SimpleNamespace(QueueDoesNotExist=QueueDoesNotExist)
    def get_paginator(self, name):
        assert name == "list_queues"
        class P:
            def paginate(self, QueueNamePrefix):
                urls = [u for u in queues if u.rsplit("/", 1)[-1].startswith(QueueNamePrefix)]
                return [{"QueueUrls": urls[:2]}, {"QueueUrls": urls[2:]}, {}]
        return P()
    def get_queue_attributes(self, QueueUrl, AttributeNames):
        assert AttributeNames == ["CreatedTimestamp"]
        if queues[QueueUrl] is None:
            raise QueueDoesNotExist(QueueUrl)
        return {"Attributes": {"CreatedTimestamp": str(int(queues[QueueUrl]))}}
    def delete_queue(self, QueueUrl):
        deleted.append(QueueUrl)

sys.modules["boto3"] = types.SimpleNamespace(client=lambda name: Client())
import os
os.environ["REPLY_PREFIX"] = "mssqldump-reply-"
os.environ["MAX_AGE_HOURS"] = "12"
sys.path.insert(0, sys.argv[1])
import index
result = index.handler({}, None)
assert deleted == ["https://sqs/1/mssqldump-reply-0123456789abcdef01234567.fifo"], deleted
assert result == {"deleted": 1, "kept": 1}, result
print("sweeper ok")
`

func TestReplyQueueSweeperDeletesOnlyAbandonedCLIQueues(t *testing.T) {
	py := needTool(t, "python3")
	tpl, err := cfn.Load(filepath.Join("aws", "mssqldump.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var code string
	for _, r := range tpl.ResourcesOfType("AWS::Lambda::Function") {
		if r.ID == "SweeperFunction" {
			code, _ = r.Properties["Code"].(map[string]any)["ZipFile"].(string)
		}
	}
	if code == "" {
		t.Fatal("no SweeperFunction with inline ZipFile code")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.py"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	harness := filepath.Join(dir, "harness.py")
	if err := os.WriteFile(harness, []byte(sweeperHarness), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, harness, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("sweeper harness: %v\n%s", err, out)
	}
}
