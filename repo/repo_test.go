package repo

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/blob"
)

const testRows = 4000

func TestManySnapshotsRoundTripByteIdentical(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		r := newRepo(t, nb, Options{})
		scripts := map[string][]byte{}
		var ids []string
		for day := 1; day <= 6; day++ {
			script := genDB{name: "Sales", rows: testRows, day: day}.bytes()
			s := backupScript(t, r, "Sales", script, time.Time{})
			scripts[s.ID] = script
			ids = append(ids, s.ID)
			if day > 1 && s.Parent != ids[day-2] {
				t.Fatalf("day %d: parent %q, want the previous snapshot %s", day, s.Parent, ids[day-2])
			}
		}
		for _, id := range ids {
			assertCatIdentical(t, r, id, scripts[id])
		}
		list, err := r.Snapshots(ctxFor(t), "Sales")
		if err != nil || len(list) != len(ids) {
			t.Fatalf("Snapshots = %d, %v; want %d", len(list), err, len(ids))
		}
	})
}

func TestUnchangedDatabaseAddsAlmostNothing(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		r := newRepo(t, nb, Options{})
		script := genDB{name: "Sales", rows: testRows, day: 1}.bytes()
		first := backupScript(t, r, "Sales", script, time.Time{})
		second := backupScript(t, r, "Sales", script, time.Time{})
		if second.NewParts != 0 {
			t.Errorf("unchanged database uploaded %d parts", second.NewParts)
		}
		if second.BytesAdded*50 > first.BytesAdded {
			t.Errorf("unchanged database added %d bytes, more than 2%% of the first backup's %d", second.BytesAdded, first.BytesAdded)
		}
		assertCatIdentical(t, r, second.ID, script)
	})
}

func TestOneDayOfChurnAddsAFewPercentOfTheFullBackup(t *testing.T) {
	r := newRepo(t, newFileBucket, Options{})
	g := genDB{name: "Sales", rows: 20000, day: 1}
	first := backupScript(t, r, "Sales", g.bytes(), time.Time{})
	g.day = 2
	day2 := g.bytes()
	second := backupScript(t, r, "Sales", day2, time.Time{})
	t.Logf("day 1 added %d bytes (%d parts), day 2 added %d bytes (%d of %d parts new)",
		first.BytesAdded, first.NewParts, second.BytesAdded, second.NewParts, second.Parts)
	if second.BytesAdded*10 > first.BytesAdded {
		t.Errorf("day 2 added %d bytes, more than 10%% of day 1's %d", second.BytesAdded, first.BytesAdded)
	}
	assertCatIdentical(t, r, second.ID, day2)
}

func TestDeltaChainsAreCutAtMaxDepth(t *testing.T) {
	r := newRepo(t, newFileBucket, Options{MaxDepth: 2})
	reached := 0
	for day := 1; day <= 5; day++ {
		script := genDB{name: "Sales", rows: 2000, day: day}.bytes()
		s := backupScript(t, r, "Sales", script, time.Time{})
		idx, err := r.loadSnapshotIndex(ctxFor(t), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for key, o := range idx.Objects {
			if o.Depth > 2 {
				t.Fatalf("day %d: %s is at depth %d, beyond the cap 2", day, key, o.Depth)
			}
			reached = max(reached, o.Depth)
		}
		assertCatIdentical(t, r, s.ID, script)
	}
	if reached != 2 {
		t.Errorf("deepest chain was %d, want the cap 2 (deltas of deltas are used)", reached)
	}
}

func TestForgetAndPruneKeepExactlyThePolicysSnapshots(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		clock := newTestClock()
		// Short delta chains, so that what forgotten snapshots wrote is
		// no longer a base of what the kept ones need.
		r := newRepo(t, nb, Options{Now: clock.Now, MaxDepth: 2})
		// Ten days, two backups a day (02:00 and 14:00).
		scripts := map[string][]byte{}
		var all []Summary
		for day := 1; day <= 10; day++ {
			for half := range 2 {
				script := genDB{name: "Sales", rows: 600, day: day*2 + half}.bytes()
				s := backupScript(t, r, "Sales", script, clock.Now())
				scripts[s.ID] = script
				all = append(all, s.summary())
				clock.Advance(12 * time.Hour)
			}
		}
		// keep-last 3 keeps the three newest; keep-daily 4 the newest of
		// each of the four latest days (two of them already kept).
		var wantKept []string
		for i, s := range all {
			newest := len(all) - 1 - i
			if newest < 3 || (newest%2 == 0 && newest/2 < 4) {
				wantKept = append(wantKept, s.ID)
			}
		}
		keep, remove, err := r.ForgetPolicy(ctxFor(t), "", Policy{Last: 3, Daily: 4}, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(keep)+len(remove) != len(all) {
			t.Fatalf("kept %d + removed %d != %d", len(keep), len(remove), len(all))
		}
		list, _ := r.Snapshots(ctxFor(t), "")
		var got []string
		for _, s := range list {
			got = append(got, s.ID)
		}
		if !slices.Equal(got, wantKept) {
			t.Fatalf("kept %v, want %v", got, wantKept)
		}
		st, err := r.Prune(ctxFor(t))
		if err != nil {
			t.Fatal(err)
		}
		if st.Snapshots != len(remove) || st.ObjectsDeleted == 0 {
			t.Errorf("prune: %+v, want %d snapshots and some objects removed", st, len(remove))
		}
		for _, id := range wantKept {
			assertCatIdentical(t, r, id, scripts[id])
		}
		if _, err := r.Cat(ctxFor(t), remove[0].ID, &bytes.Buffer{}); !errors.Is(err, ErrSnapshotNotFound) {
			t.Errorf("cat of a pruned snapshot: %v, want ErrSnapshotNotFound", err)
		}
		if _, err := r.Check(ctxFor(t), true); err != nil {
			t.Errorf("check after prune: %v", err)
		}
	})
}

func TestForgetWithoutPolicyRefusesAndForgetsNothing(t *testing.T) {
	r := newRepo(t, newFileBucket, Options{})
	backupScript(t, r, "Sales", []byte("SELECT 1;\nGO\n"), time.Time{})
	if _, _, err := r.ForgetPolicy(ctxFor(t), "", Policy{}, false); err == nil {
		t.Fatal("forget with an empty policy succeeded")
	}
	if list, _ := r.Snapshots(ctxFor(t), ""); len(list) != 1 {
		t.Fatalf("%d snapshots left, want 1", len(list))
	}
}

// crashBackup uploads parts of a backup and then stops, as a killed agent
// would: no Commit, no Abort, the lock left to expire.
func crashBackup(t *testing.T, r *Repository, script []byte) []string {
	t.Helper()
	b, err := r.NewBackup(ctxFor(t), BackupInfo{Database: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Write(script); err != nil {
		t.Fatal(err)
	}
	if err := b.split.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	b.keeper.halt()
	keys, _, err := r.readIntents(ctxFor(t), b.ID())
	if err != nil || len(keys) == 0 {
		t.Fatalf("crashed backup announced %d objects (%v)", len(keys), err)
	}
	return keys
}

func TestCrashBetweenPartsAndManifestPassesCheckAndPruneCleansIt(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		clock := newTestClock()
		r := newRepo(t, nb, Options{Now: clock.Now})
		day1 := genDB{name: "Sales", rows: 2000, day: 1}.bytes()
		kept := backupScript(t, r, "Sales", day1, time.Time{})
		orphans := crashBackup(t, r, genDB{name: "Sales", rows: 2000, day: 2}.bytes())

		rep, err := r.Check(ctxFor(t), true)
		if err != nil || rep.Interrupted != 0 {
			t.Fatalf("check beside a crashed backup: %+v, %v", rep, err)
		}
		if _, err := r.Prune(ctxFor(t)); !errors.Is(err, ErrLocked) {
			t.Fatalf("prune while the crashed backup's lock is live: %v, want ErrLocked", err)
		}
		clock.Advance(r.opts.LockStale + time.Second)
		if rep, err := r.Check(ctxFor(t), false); err != nil || rep.Interrupted != 1 {
			t.Fatalf("check after the lock expired: %+v, %v; want 1 interrupted backup", rep, err)
		}
		st, err := r.Prune(ctxFor(t))
		if err != nil {
			t.Fatal(err)
		}
		if st.Interrupted != 1 || st.ObjectsDeleted == 0 {
			t.Fatalf("prune: %+v, want the interrupted backup's objects deleted", st)
		}
		live, _ := r.loadSnapshotIndex(ctxFor(t), kept.ID)
		for _, key := range orphans {
			ok, err := r.b.Exists(ctxFor(t), key)
			if err != nil {
				t.Fatal(err)
			}
			if _, needed := live.Objects[key]; ok != needed {
				t.Errorf("%s: exists=%v after prune, needed by the kept snapshot=%v", key, ok, needed)
			}
		}
		assertCatIdentical(t, r, kept.ID, day1)
		if rep, err := r.Check(ctxFor(t), true); err != nil || rep.Interrupted != 0 {
			t.Fatalf("check after prune: %+v, %v", rep, err)
		}
	})
}

func TestCorruptedPartFailsCatWithIntegrityErrorAndCheckNamesIt(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		r := newRepo(t, nb, Options{})
		backupScript(t, r, "Sales", genDB{name: "Sales", rows: 2000, day: 1}.bytes(), time.Time{})
		s := backupScript(t, r, "Sales", genDB{name: "Sales", rows: 2000, day: 2}.bytes(), time.Time{})
		idx, err := r.loadSnapshotIndex(ctxFor(t), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		victim := idx.Parts[len(idx.Parts)/2].Object
		stored, err := r.b.ReadAll(ctxFor(t), victim)
		if err != nil {
			t.Fatal(err)
		}
		stored[len(stored)/2] ^= 0x40 // same size: only reading the data finds it
		if err := r.b.WriteAll(ctxFor(t), victim, stored, nil); err != nil {
			t.Fatal(err)
		}
		_, err = r.Cat(ctxFor(t), s.ID, &bytes.Buffer{})
		var ie *IntegrityError
		if !errors.Is(err, ErrIntegrity) || !errors.As(err, &ie) {
			t.Fatalf("cat of a corrupted snapshot: %v, want an integrity error", err)
		}
		rep, err := r.Check(ctxFor(t), true)
		if !errors.Is(err, ErrIntegrity) {
			t.Fatalf("check --read-data: %v, want ErrIntegrity", err)
		}
		named := false
		for _, p := range rep.Problems {
			named = named || (p.Key == victim && p.Snapshot == s.ID)
		}
		if !named {
			t.Errorf("check problems %v do not name %s in snapshot %s", rep.Problems, victim, s.ID)
		}
		// A missing object is found without reading data.
		if err := r.b.Delete(ctxFor(t), victim); err != nil {
			t.Fatal(err)
		}
		rep, err = r.Check(ctxFor(t), false)
		if !errors.Is(err, ErrIntegrity) || len(rep.Problems) == 0 || rep.Problems[0].Key != victim {
			t.Fatalf("check without --read-data after deleting %s: %+v, %v", victim, rep, err)
		}
	})
}

// Check without --read-data finds a delta whose stored size is not the
// index's: the size comes from the read of the delta's header, not a Stat.
func TestCheckFindsADeltaOfTheWrongSize(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		r := newRepo(t, nb, Options{})
		backupScript(t, r, "Sales", genDB{name: "Sales", rows: 2000, day: 1}.bytes(), time.Time{})
		s := backupScript(t, r, "Sales", genDB{name: "Sales", rows: 2000, day: 2}.bytes(), time.Time{})
		idx, err := r.loadSnapshotIndex(ctxFor(t), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var victim string
		for _, p := range idx.Parts {
			if isDeltaKey(p.Object) {
				victim = p.Object
				break
			}
		}
		if victim == "" {
			t.Fatal("the second backup stored no delta")
		}
		stored, err := r.b.ReadAll(ctxFor(t), victim)
		if err != nil {
			t.Fatal(err)
		}
		// One byte more: the header still reads, the size is wrong.
		if err := r.b.WriteAll(ctxFor(t), victim, append(stored, 0), nil); err != nil {
			t.Fatal(err)
		}
		rep, err := r.Check(ctxFor(t), false)
		if !errors.Is(err, ErrIntegrity) {
			t.Fatalf("check of a delta one byte too long: %v, want ErrIntegrity", err)
		}
		want := fmt.Sprintf("object is %d bytes, the index says %d", len(stored)+1, len(stored))
		if len(rep.Problems) != 1 || rep.Problems[0].Key != victim || rep.Problems[0].What != want {
			t.Fatalf("check problems %v, want one for %s: %s", rep.Problems, victim, want)
		}
	})
}

func TestBackupsAndPrunesRacingLoseNothing(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		r := newRepo(t, nb, Options{LockWait: time.Minute})
		var (
			mu      sync.Mutex
			scripts = map[string][]byte{}
			wg      sync.WaitGroup
			stop    = make(chan struct{})
			prunes  int
		)
		for _, db := range []string{"Sales", "HR"} {
			wg.Go(func() {
				for day := 1; day <= 5; day++ {
					script := genDB{name: db, rows: 800, day: day}.bytes()
					s := backupScript(t, r, db, script, time.Time{})
					mu.Lock()
					scripts[s.ID] = script
					mu.Unlock()
					// Keep only the two latest, so prunes have work while
					// the next backup reuses the parent's parts.
					if _, _, err := r.ForgetPolicy(ctxFor(t), db, Policy{Last: 2}, false); err != nil {
						t.Error(err)
					}
				}
			})
		}
		var pw sync.WaitGroup
		pw.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := r.Prune(ctxFor(t))
				if err == nil {
					prunes++
				} else if !errors.Is(err, ErrLocked) {
					t.Error(err)
					return
				}
			}
		})
		wg.Wait()
		close(stop)
		pw.Wait()
		if _, err := r.Prune(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d prunes ran between the backups", prunes)
		list, _ := r.Snapshots(ctxFor(t), "")
		if len(list) != 4 {
			t.Fatalf("%d snapshots kept, want 2 per database", len(list))
		}
		for _, s := range list {
			assertCatIdentical(t, r, s.ID, scripts[s.ID])
		}
		if _, err := r.Check(ctxFor(t), true); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBackupWaitsForARunningPruneAndFailsAfterLockWait(t *testing.T) {
	clock := newTestClock()
	r := newRepo(t, newFileBucket, Options{Now: clock.Now, LockWait: time.Second})
	if _, _, err := r.lockPrune(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range 50 {
			time.Sleep(20 * time.Millisecond)
			clock.Advance(100 * time.Millisecond)
		}
	}()
	_, err := r.NewBackup(ctxFor(t), BackupInfo{Database: "Sales"})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("backup during a prune: %v, want ErrLocked after LockWait", err)
	}
}

func TestMissingRepositoryAndBadSnapshotIDsGiveClearErrors(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		b := nb(t)
		if _, err := Open(ctxFor(t), b, Options{}); !errors.Is(err, ErrNoRepository) {
			t.Fatalf("Open of an empty bucket: %v, want ErrNoRepository", err)
		}
		r, err := OpenOrInit(ctxFor(t), b, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Find(ctxFor(t), "Sales", "latest"); !errors.Is(err, ErrSnapshotNotFound) {
			t.Errorf("latest of an empty repository: %v", err)
		}
		s := backupScript(t, r, "Sales", []byte("SELECT 1;\nGO\n"), time.Time{})
		for ref, want := range map[string]error{
			"latest":            nil,
			s.ID[:6]:            nil,
			"zz12":              ErrBadSnapshotID,
			"ab":                ErrBadSnapshotID,
			"../../etc/passwd":  ErrBadSnapshotID,
			flipFirst(s.ID[:8]): ErrSnapshotNotFound,
			s.ID + "0":          ErrBadSnapshotID,
		} {
			got, err := r.Find(ctxFor(t), "Sales", ref)
			if !errors.Is(err, want) || (want == nil && got.ID != s.ID) {
				t.Errorf("Find(%q) = %s, %v; want %v", ref, got.ID, err, want)
			}
		}
		if _, err := r.Cat(ctxFor(t), flipFirst(s.ID), &bytes.Buffer{}); !errors.Is(err, ErrSnapshotNotFound) {
			t.Errorf("cat of an unknown id: %v", err)
		}
		if err := r.Forget(ctxFor(t), flipFirst(s.ID)); !errors.Is(err, ErrSnapshotNotFound) {
			t.Errorf("forget of an unknown id: %v", err)
		}
		// A manifest that is not one is an integrity error, not a crash.
		if err := b.WriteAll(ctxFor(t), manifestKey(s.ID), []byte("{not json"), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Cat(ctxFor(t), s.ID, &bytes.Buffer{}); !errors.Is(err, ErrIntegrity) {
			t.Errorf("cat of an unreadable manifest: %v, want ErrIntegrity", err)
		}
	})
}

func flipFirst(id string) string {
	c := byte('0')
	if id[0] == '0' {
		c = '1'
	}
	return string(c) + id[1:]
}

func TestConcurrentBackupsOfDifferentDatabasesAllCommit(t *testing.T) {
	r := newRepo(t, newFileBucket, Options{})
	var wg sync.WaitGroup
	scripts := make([][]byte, 4)
	ids := make([]string, 4)
	for i := range scripts {
		scripts[i] = genDB{name: fmt.Sprint("db", i), rows: 500, day: 1}.bytes()
		wg.Go(func() { ids[i] = backupScript(t, r, fmt.Sprint("db", i), scripts[i], time.Time{}).ID })
	}
	wg.Wait()
	for i, id := range ids {
		assertCatIdentical(t, r, id, scripts[i])
	}
}

func TestOpenOrInitTwiceMakesOneRepository(t *testing.T) {
	b := newFileBucket(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := OpenOrInit(ctxFor(t), b, Options{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok, _ := b.Exists(ctxFor(t), catalogKey(2)); ok {
		t.Error("initializing twice wrote a second catalog version")
	}
	var _ = blob.ErrNotFound
}

func TestADamagedBaseIsNamedNotTheDeltaBuiltOnIt(t *testing.T) {
	r := newRepo(t, newFileBucket, Options{})
	backupScript(t, r, "Sales", genDB{name: "Sales", rows: 2000, day: 1}.bytes(), time.Time{})
	s := backupScript(t, r, "Sales", genDB{name: "Sales", rows: 2000, day: 2}.bytes(), time.Time{})
	idx, err := r.loadSnapshotIndex(ctxFor(t), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	var base string
	for _, p := range idx.Parts {
		// A format-2 delta names its bases in its header.
		if h, _, err := r.readHeader(ctxFor(t), p.Object); err != nil {
			t.Fatal(err)
		} else if h != nil {
			base = h.Bases[0]
			break
		}
	}
	if base == "" {
		t.Fatal("day 2 stored no delta")
	}
	stored, _ := r.b.ReadAll(ctxFor(t), base)
	// Damage the frame without breaking it: flip a bit in a literal and
	// the frame checksum no longer matches, or the bytes decode wrong.
	stored[len(stored)/2] ^= 0x20
	if err := r.b.WriteAll(ctxFor(t), base, stored, nil); err != nil {
		t.Fatal(err)
	}
	_, err = r.Cat(ctxFor(t), s.ID, &bytes.Buffer{})
	var ie *IntegrityError
	if !errors.As(err, &ie) || ie.Key != base {
		t.Fatalf("cat: %v; want an integrity error naming the damaged base %s", err, base)
	}
}
