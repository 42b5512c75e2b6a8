package agent_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/scripter"
)

func synth(t *testing.T, size int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	var last scripter.Progress
	stats, err := agent.NewSyntheticSource(size).Dump(context.Background(),
		&agent.DumpRequest{Progress: func(p scripter.Progress) { last = p }}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Bytes != size || last.Bytes != size {
		t.Fatalf("size %d: stats say %d bytes, progress %d", size, stats.Bytes, last.Bytes)
	}
	return buf.Bytes()
}

func TestSyntheticScriptHasExactlyTheRequestedSize(t *testing.T) {
	for _, size := range []int64{0, 1, 3, 4, 5, 100, 127, 128, 129, 130, 200, 4096, 1<<20 + 17, 3 << 20} {
		if got := int64(len(synth(t, size))); got != size {
			t.Errorf("size %d: got %d bytes", size, got)
		}
	}
}

func TestSyntheticScriptIsDeterministic(t *testing.T) {
	a, b := synth(t, 1<<20), synth(t, 1<<20)
	if !bytes.Equal(a, b) {
		t.Fatal("two dumps of the same size differ")
	}
}

var insertLine = regexp.MustCompile(`^INSERT INTO \[dbo\]\.\[synthetic\] \(\[id\], \[n\], \[s\]\) VALUES \((\d+), 1\d{12}, N'[A-Za-z0-9_-]{20}'\);$`)

func TestSyntheticScriptIsValidTSQLWithConsecutiveIDs(t *testing.T) {
	script := string(synth(t, 2<<20))
	lines := strings.Split(strings.TrimSuffix(script, "\n"), "\n")
	if !strings.HasPrefix(script, "SET NOCOUNT ON;\nGO\nCREATE TABLE [dbo].[synthetic]") {
		t.Fatalf("header: %q", script[:60])
	}
	id := 0
	seen := map[string]bool{}
	for _, l := range lines[8:] { // after the 8 header lines
		if strings.HasPrefix(l, "-- ") {
			continue // the final padding comment
		}
		m := insertLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q is not an INSERT", l)
		}
		id++
		if m[1] != fmt.Sprint(id) {
			t.Fatalf("id %s after %d", m[1], id-1)
		}
		seen[l[len(l)-25:]] = true
	}
	if id < 10000 || len(seen) < id*99/100 {
		t.Fatalf("%d rows, %d distinct strings: the data repeats", id, len(seen))
	}
	if !strings.HasPrefix(lines[len(lines)-1], "-- ") {
		t.Fatalf("last line %q", lines[len(lines)-1])
	}
}

func TestSyntheticSourceStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := agent.NewSyntheticSource(1<<30).Dump(ctx, &agent.DumpRequest{}, &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Dump = %v", err)
	}
}
