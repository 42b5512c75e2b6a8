package scripter

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// memFleet stands for a fleet of other readers: each part but every
// third is read by DumpPart over a reader of its own (another process's
// connection); every third is left to the dump.
type memFleet struct {
	t      *testing.T
	reader *memReader
	opts   Options
	share  bool

	mu     sync.Mutex
	plan   *FleetPlan
	byPart map[int]bool // true: read by the fleet
}

func (f *memFleet) Share(_ context.Context, plan *FleetPlan) (bool, error) {
	f.plan = plan
	return f.share, nil
}

func (f *memFleet) Records(ctx context.Context, i int) (*os.File, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byPart == nil {
		f.byPart = map[int]bool{}
	}
	if i%3 == 2 {
		f.byPart[i] = false
		return nil, 0, nil
	}
	file, err := os.CreateTemp("", "fleet-part-*")
	if err != nil {
		return nil, 0, err
	}
	st, err := DumpPart(ctx, f.reader, file, f.opts, f.plan.Parts[i], f.plan.Collation)
	if err != nil {
		file.Close()
		os.Remove(file.Name())
		return nil, 0, err
	}
	f.byPart[i] = true
	return file, st.Rows, nil
}

// Take leaves the dump every third part, as Records does.
func (f *memFleet) Take(_ context.Context, i int) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i%3 != 2 {
		return false, nil
	}
	if f.byPart == nil {
		f.byPart = map[int]bool{}
	}
	f.byPart[i] = false
	return true, nil
}

// slowFleet has another reader take every part but the last, whose
// records come only once the dump has taken the last part: a dump that
// waited for the first parts before reading any itself would never end.
type slowFleet struct {
	parts    int
	tookLast chan struct{}
	reader   *memReader
	plan     *FleetPlan
}

func (f *slowFleet) Share(_ context.Context, plan *FleetPlan) (bool, error) {
	f.plan, f.parts = plan, len(plan.Parts)
	return true, nil
}

func (f *slowFleet) Take(_ context.Context, i int) (bool, error) {
	if i == f.parts-1 {
		close(f.tookLast)
		return true, nil
	}
	return false, nil
}

func (f *slowFleet) Records(ctx context.Context, i int) (*os.File, int64, error) {
	select {
	case <-f.tookLast:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	file, err := os.CreateTemp("", "fleet-part-*")
	if err != nil {
		return nil, 0, err
	}
	st, err := DumpPart(ctx, f.reader, file, Options{}, f.plan.Parts[i], f.plan.Collation)
	if err != nil {
		file.Close()
		os.Remove(file.Name())
		return nil, 0, err
	}
	return file, st.Rows, nil
}

func TestWhileTheFleetReadsTheFirstPartsTheDumpReadsTheLast(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	one, _ := dump(t, newMemReader(t, "northwind", 300), Options{})
	for _, jobs := range []int{1, 2} {
		fleet := &slowFleet{tookLast: make(chan struct{}), reader: newMemReader(t, "northwind", 300)}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		var sb strings.Builder
		_, err := DumpFrom(ctx, newMemReader(t, "northwind", 300), &sb, Options{Jobs: jobs, ChunkRows: 50, Fleet: fleet})
		cancel()
		if err != nil {
			t.Fatalf("jobs %d: %v", jobs, err)
		}
		if sb.String() != one {
			t.Fatalf("jobs %d: the fleet dump differs from --jobs 1", jobs)
		}
	}
}

func TestAFleetDumpWritesTheBytesOfJobsOneWhoeverReadsEachPart(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, fx := range []string{"northwind", "pubs", "torture"} {
		for _, base := range []Options{{}, {RowsPerInsert: 70}, {NoCreateInfo: true}, {Format: FormatZip}, {Where: "1 = 1"}} {
			one, oneStats := dump(t, newMemReader(t, fx, 600), base)
			opts := base
			opts.Jobs, opts.ChunkRows = 3, 80
			fleet := &memFleet{t: t, reader: newMemReader(t, fx, 600), opts: base, share: true}
			opts.Fleet = fleet
			r := newMemReader(t, fx, 600)
			got, st := dump(t, r, opts)
			if got != one {
				t.Fatalf("%s %+v: the fleet dump differs from --jobs 1 (%d vs %d bytes)", fx, base, len(got), len(one))
			}
			for k, n := range oneStats.Rows {
				if st.Rows[k] != n {
					t.Errorf("%s: %s: %d rows in the fleet dump, %d with one reader", fx, k, st.Rows[k], n)
				}
			}
			ranged, byFleet, here := 0, 0, 0
			for i, p := range fleet.plan.Parts {
				if p.Range.Lo != nil || p.Range.Hi != nil {
					ranged++
				}
				if fleet.byPart[i] {
					byFleet++
				} else {
					here++
				}
			}
			if ranged == 0 || byFleet == 0 || here == 0 || byFleet+here != len(fleet.plan.Parts) {
				t.Fatalf("%s: %d parts (%d ranged): %d read by the fleet, %d here; want some of each", fx, len(fleet.plan.Parts), ranged, byFleet, here)
			}
			if !hasWarning(st, WarnFleetNotOnePointInTime) {
				t.Errorf("%s: no %s warning for parts read without a database snapshot", fx, WarnFleetNotOnePointInTime)
			}
		}
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestAFleetThatDeclinesLeavesTheDumpToReadEveryPart(t *testing.T) {
	one, _ := dump(t, newMemReader(t, "northwind", 300), Options{})
	fleet := &memFleet{t: t, reader: newMemReader(t, "northwind", 300)}
	for _, jobs := range []int{1, 2} {
		got, st := dump(t, newMemReader(t, "northwind", 300), Options{Jobs: jobs, ChunkRows: 50, Fleet: fleet})
		if got != one || len(fleet.byPart) != 0 || hasWarning(st, WarnFleetNotOnePointInTime) {
			t.Fatalf("declined fleet, jobs %d: identical %v, parts asked %v, warnings %v", jobs, got == one, fleet.byPart, st.Warnings)
		}
	}
}

func TestAPartOfAMissingTableFails(t *testing.T) {
	var sb strings.Builder
	_, err := DumpPart(context.Background(), newMemReader(t, "northwind", 10), &sb, Options{},
		FleetPart{Schema: "dbo", Table: "NoSuchTable"}, "")
	if err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("DumpPart = %v", err)
	}
}

func hasWarning(st *Stats, code string) bool {
	for _, w := range st.Warnings {
		if w.Code == code {
			return true
		}
	}
	return false
}
