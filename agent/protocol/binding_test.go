package protocol

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestABindingMatchesOnlyTheJobItWasMadeFor(t *testing.T) {
	job := sampleJob()
	b := job.Binding()
	if err := job.CheckBinding(b); err != nil {
		t.Fatalf("the job's own binding: %v", err)
	}
	for _, c := range []struct {
		field  string
		change func(*Job)
	}{
		{"id", func(j *Job) { j.ID = "other" }},
		{"server host", func(j *Job) { j.Server.Host = "evil.example.com" }},
		{"server port", func(j *Job) { j.Server.Port = 1434 }},
		{"server instance", func(j *Job) { j.Server.Instance = "OTHER" }},
		{"database", func(j *Job) { j.Database = "master" }},
		{"TLS settings", func(j *Job) { j.Server.Params["encrypt"] = "disable" }},
		{"TLS settings", func(j *Job) { j.Server.TrustServerCertificate = true }},
		{"authentication method", func(j *Job) { j.Server.Authentication = AuthEntraDefault }},
		{"connection parameters", func(j *Job) { j.Server.Params["app name"] = "x" }},
		{"deadline", func(j *Job) { j.Deadline = j.Deadline.Add(time.Second) }},
		{"reply address", func(j *Job) { j.ReplyTo = "_INBOX.attacker" }},
		{"backup repository", func(j *Job) { j.Repo = "s3://attacker-bucket" }},
	} {
		j := sampleJob()
		c.change(j)
		err := j.CheckBinding(b)
		if !errors.Is(err, ErrBindingMismatch) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s changed: %v", c.field, err)
		}
		if err != nil && strings.Contains(err.Error(), "evil.example.com") {
			t.Errorf("the reason quotes a value: %v", err)
		}
	}
	if err := job.CheckBinding(nil); !errors.Is(err, ErrBindingMismatch) {
		t.Errorf("no binding: %v", err)
	}
	// Host names compare like DNS does; an earlier deadline is fine.
	j := sampleJob()
	j.Server.Host = strings.ToUpper(j.Server.Host)
	j.Deadline = j.Deadline.Add(-time.Minute)
	if err := j.CheckBinding(b); err != nil {
		t.Errorf("upper-case host and earlier deadline: %v", err)
	}
}
