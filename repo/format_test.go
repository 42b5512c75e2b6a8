package repo

import (
	"encoding/binary"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
)

// dataObjects lists the stored parts in a fileblob repository's directory.
func dataObjects(t *testing.T, dir string) []string {
	t.Helper()
	var keys []string
	err := filepath.WalkDir(filepath.Join(dir, "data"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if !strings.Contains(rel, ".tmp") && !strings.HasPrefix(d.Name(), ".") {
			keys = append(keys, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

// A format-2 index lists only each part's object; the chains live in the
// deltas' headers. Days written in format 1 stay readable, format-2 days
// build on them, and prune follows both kinds of chain: it keeps every
// base a kept snapshot needs and, once the snapshots are forgotten, leaves
// exactly the objects of the last one.
func TestFormat1DaysStayReadableAndPruneFollowsHeaderChains(t *testing.T) {
	dir := t.TempDir()
	d, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bucket := closing(t, blob.NewBucket(d))
	clock := newTestClock()
	old, err := OpenOrInit(ctxFor(t), bucket, Options{Now: clock.Now, format1: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctxFor(t), bucket, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var snaps []*Snapshot
	var scripts [][]byte
	for day := 1; day <= 6; day++ {
		w := r
		if day <= 3 {
			w = old
		}
		clock.Advance(24 * time.Hour)
		script := genDB{name: "Sales", rows: 2000, day: day}.bytes()
		snaps = append(snaps, backupScript(t, w, "Sales", script, time.Time{}))
		scripts = append(scripts, script)
	}
	for i, s := range snaps {
		assertCatIdentical(t, r, s.ID, scripts[i])
		idx, err := r.loadSnapshotIndex(ctxFor(t), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 0, false: formatVersion}[i < 3]; idx.V != want {
			t.Errorf("day %d: index format %d, want %d", i+1, idx.V, want)
		}
	}
	if rep, err := r.Check(ctxFor(t), false); err != nil {
		t.Fatalf("check: %+v, %v", rep, err)
	}
	forgetAndPrune := func(ids ...string) {
		t.Helper()
		if err := r.Forget(ctxFor(t), ids...); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Prune(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
	}
	forgetAndPrune(snaps[0].ID, snaps[1].ID, snaps[2].ID, snaps[3].ID)
	for i := 4; i < 6; i++ {
		assertCatIdentical(t, r, snaps[i].ID, scripts[i])
	}
	if rep, err := r.Check(ctxFor(t), true); err != nil {
		t.Fatalf("check --read-data after prune: %+v, %v", rep, err)
	}
	forgetAndPrune(snaps[4].ID)
	assertCatIdentical(t, r, snaps[5].ID, scripts[5])
	w := newChainWalker(r)
	idx, err := r.loadSnapshotIndex(ctxFor(t), snaps[5].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.learn(idx)
	needed, missing, err := w.walk(ctxFor(t), slices.Collect(maps.Keys(idx.Objects)))
	if err != nil || len(missing) > 0 {
		t.Fatalf("walk: missing %v, %v", missing, err)
	}
	slices.Sort(needed)
	if got := dataObjects(t, dir); !slices.Equal(got, needed) {
		t.Errorf("after forgetting all but the last day, %d objects are stored, the last day needs %d", len(got), len(needed))
	}
}

func uniqueObjects(idx *index) map[string]bool {
	m := map[string]bool{}
	for _, p := range idx.Parts {
		m[p.Object] = true
	}
	return m
}

// The point of format 2: however deep the chains, an index lists one
// object per distinct part.
func TestAnIndexListsOnlyThePartsObjects(t *testing.T) {
	r := newRepo(t, newFileBucket, Options{})
	for day := 1; day <= 5; day++ {
		script := genDB{name: "Sales", rows: 2000, day: day}.bytes()
		s := backupScript(t, r, "Sales", script, time.Time{})
		idx, err := r.loadSnapshotIndex(ctxFor(t), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		deepest := 0
		for _, o := range idx.Objects {
			deepest = max(deepest, o.Depth)
		}
		if parts := len(uniqueObjects(idx)); len(idx.Objects) != parts {
			t.Errorf("day %d: the index lists %d objects for %d part objects", day, len(idx.Objects), parts)
		}
		if day == 5 && deepest < 3 {
			t.Errorf("day 5: deepest chain %d; want deltas of deltas", deepest)
		}
		assertCatIdentical(t, r, s.ID, script)
	}
}

func TestADeltaHeaderRoundTripsAndRefusesWhatIsNotOne(t *testing.T) {
	full := objectKey(hashOf([]byte("a")), nil)
	delta := objectKey(hashOf([]byte("b")), []string{full})
	h := deltaHeader{Bases: []string{delta, full}, Depth: 7}
	p, err := appendHeader([]byte(nil), h)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) > 8+2+41+33 {
		t.Errorf("header of two bases is %d bytes", len(p))
	}
	got, rest, err := splitHeader(append(p, 1, 2, 3))
	if err != nil || !slices.Equal(got.Bases, h.Bases) || got.Depth != 7 || len(rest) != 3 {
		t.Fatalf("round trip: %+v, rest %v, %v", got, rest, err)
	}
	for _, k := range []string{"", "data/xx/zz", full + "-12", "snapshots/x.json"} {
		if _, err := appendHeader(nil, deltaHeader{Bases: []string{k}}); err == nil {
			t.Errorf("appendHeader took %q for an object key", k)
		}
	}
	for cut := 9; cut < len(p); cut++ {
		q := slices.Clone(p[:cut])
		binary.LittleEndian.PutUint32(q[4:], uint32(cut-8))
		if _, _, err := splitHeader(q); err == nil {
			t.Errorf("a header cut to %d bytes parsed", cut)
		}
	}
	if h, rest, err := splitHeader([]byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 0}); h != nil || len(rest) != 9 || err != nil {
		t.Errorf("a zstd frame (format 1) read as having a header: %v %v", h, err)
	}
}
