package repo

import (
	"testing"
	"time"
)

func TestCatalogIsFoundAfterPruneDroppedOldVersionsAndWithAStaleHead(t *testing.T) {
	r := newRepo(t, newFileBucket, Options{})
	for range 12 {
		backupScript(t, r, "Sales", []byte("SELECT 1;\nGO\n"), time.Time{}) // 2 catalog versions each
	}
	if _, err := r.Prune(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	if ok, _ := r.b.Exists(ctxFor(t), catalogKey(1)); ok {
		t.Fatal("prune kept catalog version 1 of more than 16")
	}
	want, err := r.readCatalog(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, hint := range []string{"1", "garbage", ""} {
		if err := r.b.WriteAll(ctxFor(t), catalogHead, []byte(hint), nil); err != nil {
			t.Fatal(err)
		}
		got, err := r.readCatalog(ctxFor(t))
		if err != nil || got.Version != want.Version || len(got.Snapshots) != 12 {
			t.Fatalf("head %q: catalog %+v, %v; want version %d with 12 snapshots", hint, got, err, want.Version)
		}
	}
}

func TestPolicyKeepsLikeRestic(t *testing.T) {
	var list []Summary
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) // a Thursday
	for d := range 70 {
		list = append(list, Summary{ID: start.AddDate(0, 0, d).Format("01-02"), Time: start.AddDate(0, 0, d)})
	}
	keep, remove := Policy{Daily: 3, Weekly: 2, Monthly: 3}.Apply(list)
	var got []string
	for _, s := range keep {
		got = append(got, s.ID)
	}
	// Newest first: the three latest days (Mar 11, 10, 9); the newest of
	// the two latest ISO weeks (Mar 11 in week 11, Mar 8 in week 10); the
	// newest of the three latest months (Mar 11, Feb 28, Jan 31).
	want := []string{"03-11", "03-10", "03-09", "03-08", "02-28", "01-31"}
	if len(got) != len(want) || len(keep)+len(remove) != len(list) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("kept %v, want %v", got, want)
		}
	}
}
