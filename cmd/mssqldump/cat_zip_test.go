package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
	"github.com/mssqldump/mssqldump/repo"
	"github.com/mssqldump/mssqldump/scripter"
	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// dayReader is a scripter.Reader over a two-table database as it is on a
// given day (each day changes a few rows), so that the scripter's own dump
// runs without a server.
type dayReader struct{ day int }

func dayColumn(name, typ string, ml, prec int) *model.Column {
	return &model.Column{Name: name, Type: model.Type{Name: typ, System: typ, MaxLength: ml, Precision: prec}}
}

func (r dayReader) Catalog(context.Context) (*model.Database, []scripter.Warning, error) {
	db := &model.Database{Name: "Sales", Collation: "SQL_Latin1_General_CP1_CI_AS"}
	for _, name := range []string{"Orders", "Customers"} {
		db.Tables = append(db.Tables, &model.Table{QName: model.QName{Schema: "dbo", Name: name},
			Columns:    []*model.Column{dayColumn("id", "bigint", 8, 19), dayColumn("note", "varchar", 40, 0)},
			PrimaryKey: &model.Index{Name: "PK_" + name, Kind: "CLUSTERED", Columns: []model.IndexColumn{{Name: "id"}}}})
	}
	return db, nil, nil
}

func (r dayReader) Rows(_ context.Context, p *data.Plan) (data.RowSource, error) {
	n := 4000
	if p.Table.Name == "Customers" {
		n = 700
	}
	return &dayRows{day: r.day, n: n}, nil
}

type dayRows struct {
	day, n, k int
	row       []any
}

func (r *dayRows) Next() bool {
	if r.k >= r.n {
		return false
	}
	version := 1
	if r.day > 1 && r.k%97 == 0 {
		version = r.day
	}
	r.row = []any{int64(r.k), fmt.Sprintf("row %d version %d", r.k, version)}
	r.k++
	return true
}
func (r *dayRows) Row() []any   { return r.row }
func (r *dayRows) Err() error   { return nil }
func (r *dayRows) Close() error { return nil }

// backupDay stores day's script and layout as a snapshot, as an agent's
// backup job does, and returns the zip a plain --format zip dump makes.
func backupDayWithLayout(t *testing.T, r *repo.Repository, day int) (id string, zip []byte) {
	t.Helper()
	ctx := t.Context()
	bk, err := r.NewBackup(ctx, repo.BackupInfo{Database: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	var l scripter.Layout
	if _, err := scripter.DumpFrom(ctx, dayReader{day}, bk, scripter.Options{Layout: &l}); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(&l)
	bk.SetLayout(raw)
	s, err := bk.Commit()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if _, err := scripter.DumpFrom(ctx, dayReader{day}, &want, scripter.Options{Format: scripter.FormatZip}); err != nil {
		t.Fatal(err)
	}
	return s.ID, want.Bytes()
}

func TestCatFormatZipIsTheZipTheDumpWrote(t *testing.T) {
	dir := t.TempDir()
	d, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	defer b.Close()
	r, err := repo.OpenOrInit(t.Context(), b, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id1, zip1 := backupDayWithLayout(t, r, 1)
	id2, zip2 := backupDayWithLayout(t, r, 2)
	if bytes.Equal(zip1, zip2) {
		t.Fatal("the two days' zips are the same; the test needs a change")
	}
	for _, c := range []struct {
		id   string
		want []byte
	}{{id1, zip1}, {id2, zip2}} {
		var got bytes.Buffer
		if err := catZip(t.Context(), r, c.id, &got); err != nil {
			t.Fatal(err)
		}
		sameBytes(t, got.Bytes(), c.want)
	}
	url := "file://" + dir
	out := filepath.Join(t.TempDir(), "sales.zip")
	wantCode(t, mssqldump(t, nil, "cat", "--repo", url, "--format", "zip", "-r", out, id2, "Sales"), 0)
	got, _ := os.ReadFile(out)
	sameBytes(t, got, zip2)
	// A damaged part: exit 5 and no file.
	filepath.WalkDir(filepath.Join(dir, "data"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, ".tmp") {
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o644)
		}
		return nil
	})
	out = filepath.Join(t.TempDir(), "damaged.zip")
	res := mssqldump(t, nil, "cat", "--repo", url, "--format", "zip", "-r", out, id2, "Sales")
	wantCode(t, res, 5)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("cat --format zip left %s behind after an integrity error", out)
	}
}
