package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupThenCatGivesTheDumpByteIdentical(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + dir
	first := mssqldump(t, nil, "backup", "--repo", url, "--source", "synthetic:2MiB", "Sales")
	wantCode(t, first, 0)
	id := strings.TrimSpace(first.stdout)
	if len(id) != 16 || !strings.Contains(first.stderr, "snapshot "+id) {
		t.Fatalf("backup printed %q on stdout and %q on stderr; want the snapshot id and a summary", first.stdout, first.stderr)
	}
	second := mssqldump(t, nil, "backup", "--repo", url, "--source", "synthetic:2MiB", "Sales")
	wantCode(t, second, 0)
	if !strings.Contains(second.stderr, "0 new") {
		t.Errorf("an unchanged database uploaded parts: %s", second.stderr)
	}
	list := mssqldump(t, nil, "snapshots", "--repo", url)
	wantCode(t, list, 0)
	if !strings.Contains(list.stdout, id) || strings.Count(list.stdout, "Sales") != 2 {
		t.Errorf("snapshots:\n%s", list.stdout)
	}
	out := filepath.Join(t.TempDir(), "sales.sql")
	wantCode(t, mssqldump(t, nil, "cat", "--repo", url, "-r", out, id, "Sales"), 0)
	got, _ := os.ReadFile(out)
	sameBytes(t, got, synthetic(t, 2<<20))
	wantCode(t, mssqldump(t, nil, "check", "--repo", url, "--read-data"), 0)
}

func TestCatOfACorruptedSnapshotExits5AndWritesNoFile(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + dir
	wantCode(t, mssqldump(t, nil, "backup", "--repo", url, "--source", "synthetic:1MiB", "Sales"), 0)
	var victim string
	filepath.WalkDir(filepath.Join(dir, "data"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && victim == "" {
			victim = p
		}
		return nil
	})
	b, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	os.WriteFile(victim, b, 0o644)
	out := filepath.Join(t.TempDir(), "sales.sql")
	r := mssqldump(t, nil, "cat", "--repo", url, "-r", out, "latest", "Sales")
	wantCode(t, r, 5)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("cat left %s behind after an integrity error", out)
	}
	chk := mssqldump(t, nil, "check", "--repo", url, "--read-data")
	wantCode(t, chk, 5)
	if rel, _ := filepath.Rel(dir, victim); !strings.Contains(chk.stdout, rel) {
		t.Errorf("check output %q does not name %s", chk.stdout, rel)
	}
}

func TestRepositoryMistakesGiveTheirExitCodes(t *testing.T) {
	url := "file://" + t.TempDir()
	aFile := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(aFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"snapshots", "--repo", url}, 1}, // no repository yet
		{[]string{"snapshots", "--repo", "nope://x"}, 2},
		{[]string{"snapshots", "--repo", "file://" + aFile}, 2}, // not a directory: the URL is wrong
		// A directory that is not there is a store that is not there, like
		// a missing S3 bucket: unreachable, at open as at write.
		{[]string{"snapshots", "--repo", url + "/missing"}, 6},
		{[]string{"snapshots"}, 2},
		{[]string{"forget", "--repo", url}, 2}, // no policy
		{[]string{"backup", "--repo", "nope://x", "--source", "synthetic:1KiB", "Sales"}, 2},
	} {
		r := mssqldump(t, nil, tc.args...)
		if r.code != tc.code || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want exit %d and no stdout\nstderr: %s", tc.args, r.code, r.stdout, tc.code, r.stderr)
		}
	}
	wantCode(t, mssqldump(t, nil, "backup", "--repo", url, "--source", "synthetic:1KiB", "Sales"), 0)
	wantCode(t, mssqldump(t, nil, "cat", "--repo", url, "not-an-id", "Sales"), 2)
	wantCode(t, mssqldump(t, nil, "cat", "--repo", url, "0123abcd", "Sales"), 1) // well-formed, unknown
}
