package main

import (
	"strings"
	"testing"
)

func TestARepoURLInAMessageOrLogLineNeverShowsItsPassword(t *testing.T) {
	for _, raw := range []string{"s3://AKIA:s3cr3t@backups/sql?region=eu-west-1", "minio://u:s3cr3t@127.0.0.1:9000/b", "file:///var/backups"} {
		got := redactedURL(raw)
		if strings.Contains(got, "s3cr3t") {
			t.Errorf("redactedURL(%q) = %q shows the password", raw, got)
		}
		if !strings.Contains(got, "://") {
			t.Errorf("redactedURL(%q) = %q no longer names the location", raw, got)
		}
	}
	if got := redactedURL("s3://a b:%zz@x"); strings.Contains(got, "zz") {
		t.Errorf("an unparsable URL is shown as %q", got)
	}
}
