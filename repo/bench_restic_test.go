package repo

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// resticDays backs the same days up with restic, as script files (one
// path, rewritten each day), when a restic binary is on PATH (go install
// github.com/restic/restic/cmd/restic@v0.18.1). It returns the bytes the
// last day added to restic's repository and the time its backup took.
func resticDays(b *testing.B, rows, days int) (added int64, took time.Duration, ok bool) {
	bin, err := exec.LookPath("restic")
	if err != nil {
		b.Log("restic not on PATH: no comparison")
		return 0, 0, false
	}
	dir := b.TempDir()
	repoDir, script := filepath.Join(dir, "restic"), filepath.Join(dir, "Bench.sql")
	run := func(args ...string) {
		cmd := exec.Command(bin, append([]string{"--repo", repoDir, "--quiet"}, args...)...)
		cmd.Env = append(os.Environ(), "RESTIC_PASSWORD=bench", "RESTIC_CACHE_DIR="+filepath.Join(dir, "cache"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("restic %v: %v\n%s", args, err, out)
		}
	}
	run("init")
	var before int64
	for day := 1; day <= days; day++ {
		f, err := os.Create(script)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		if err := (genDB{name: "Bench", rows: rows, day: day}).script(w); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		before = dirSize(b, repoDir)
		start := time.Now()
		run("backup", script)
		took = time.Since(start)
	}
	return dirSize(b, repoDir) - before, took, true
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
