package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/faultyblob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
)

// testCoordinator is a coordinator of a one-part plan over bucket, as
// Share leaves it once the part is published.
func testCoordinator(t *testing.T, b *blob.Bucket, deadline time.Time) *coordinator {
	t.Helper()
	a := &Agent{cfg: Config{Bucket: b}, writer: "w"}
	r := &run{a: a, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c := newCoordinator(r)
	c.plan = &protocol.PartPlan{ParentID: "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b", Token: c.token, Deadline: deadline,
		Parts: []protocol.PartSpec{{Schema: "dbo", Table: "t"}}}
	c.published = []bool{true}
	return c
}

// A part nobody took is the coordinator's at once, even when its first
// look for the part's result failed: it must not wait for the plan's
// deadline for a part no other reader holds.
func TestRecordsTakesAnUntakenPartAfterAFailedFirstRead(t *testing.T) {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := testCoordinator(t, blob.NewBucket(d), time.Now().Add(time.Hour))
	key := protocol.PartResultKey(c.plan.ParentID, c.token, 0)
	b, _ := faultyblob.Wrap(blob.NewBucket(d), faultyblob.Fault{Op: faultyblob.OpNewReader, Key: key, Err: errors.New("blip")})
	c.r.a.cfg.Bucket = b
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f, _, err := c.Records(ctx, 0)
	if err != nil || f != nil {
		t.Fatalf("Records = %v, %v; want no file, no error (the coordinator reads the part)", f, err)
	}
	mark, err := b.ReadAll(context.Background(), protocol.PartTakenKey(c.plan.ParentID, c.token, 0))
	if err != nil || !strings.HasPrefix(string(mark), "coordinator ") {
		t.Fatalf("taken marker %q, %v: want the coordinator's", mark, err)
	}
}

// The records of a part recorded by another agent but never fetched (the
// dump failed or was canceled first) are deleted with the fetched ones:
// else they stay in the store for good, table rows no manifest names.
func TestCloseDeletesRecordsOfPartsTheDumpNeverFetched(t *testing.T) {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	c := testCoordinator(t, b, time.Now().Add(time.Hour))
	c.planSHA = strings.Repeat("a", 64)
	ctx := context.Background()
	obj := protocol.PartObjectKey(c.plan.ParentID, c.token, 0, 1, "other-w0", protocol.CompressZstd)
	if err := b.WriteAll(ctx, obj, []byte("records"), nil); err != nil {
		t.Fatal(err)
	}
	res, err := protocol.Encode(&protocol.PartResult{ParentID: c.plan.ParentID, Token: c.token, Part: 0,
		PlanSHA256: c.planSHA, Attempt: 1, AgentID: "other", Object: obj, SHA256: strings.Repeat("b", 64),
		Size: 7, Compress: protocol.CompressZstd, Finished: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(ctx, protocol.PartResultKey(c.plan.ParentID, c.token, 0), res, nil); err != nil {
		t.Fatal(err)
	}
	c.close(ctx)
	if ok, err := b.Exists(ctx, obj); err != nil || ok {
		t.Fatalf("records of a part never fetched: exists %v, %v; want deleted", ok, err)
	}
}

// A part another reader took and then released (it failed for good) is
// the coordinator's as soon as the marker is gone, not at the deadline.
func TestRecordsTakesAPartItsReaderReleased(t *testing.T) {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	c := testCoordinator(t, b, time.Now().Add(time.Hour))
	marker := protocol.PartTakenKey(c.plan.ParentID, c.token, 0)
	if err := b.WriteAll(context.Background(), marker, []byte("other-w0 attempt 1\n"), nil); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		_ = b.Delete(context.Background(), marker)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f, _, err := c.Records(ctx, 0)
	if err != nil || f != nil {
		t.Fatalf("Records = %v, %v; want no file, no error (the coordinator reads the part)", f, err)
	}
	mark, err := b.ReadAll(context.Background(), marker)
	if err != nil || !strings.HasPrefix(string(mark), "coordinator ") {
		t.Fatalf("taken marker %q, %v: want the coordinator's", mark, err)
	}
}

// Records hands over another reader's records only when they were encoded
// with the columns of the dump's own plan: without a database snapshot the
// table may have changed between the plan and the read, and rows of
// another column list would go into the script.
func TestRecordsRefusesRecordsEncodedWithOtherColumns(t *testing.T) {
	for _, c := range []struct {
		name, columns string
		handed        bool
	}{
		{"same columns", strings.Repeat("c", 64), true},
		{"other columns", strings.Repeat("d", 64), false},
		{"no digest", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := fileblob.OpenBucket(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			b := blob.NewBucket(d)
			co := testCoordinator(t, b, time.Now().Add(time.Hour))
			co.planSHA, co.columns = strings.Repeat("a", 64), []string{strings.Repeat("c", 64)}
			ctx := context.Background()
			records := []byte("records")
			obj := protocol.PartObjectKey(co.plan.ParentID, co.token, 0, 1, "other-w0", protocol.CompressNone)
			if err := b.WriteAll(ctx, obj, records, nil); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(records)
			res, err := protocol.Encode(&protocol.PartResult{ParentID: co.plan.ParentID, Token: co.token, Part: 0,
				PlanSHA256: co.planSHA, Attempt: 1, AgentID: "other", Object: obj, SHA256: hex.EncodeToString(sum[:]),
				Size: int64(len(records)), Compress: protocol.CompressNone, Rows: 1, ColumnsSHA256: c.columns, Finished: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.WriteAll(ctx, protocol.PartResultKey(co.plan.ParentID, co.token, 0), res, nil); err != nil {
				t.Fatal(err)
			}
			f, _, err := co.Records(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			if f != nil {
				f.Close()
				os.Remove(f.Name())
			}
			if (f != nil) != c.handed {
				t.Errorf("records handed over: %v, want %v", f != nil, c.handed)
			}
		})
	}
}
