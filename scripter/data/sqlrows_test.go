package data

import (
	"bytes"
	"context"
	"testing"
)

func TestRowsReadThroughDatabaseSQLScriptTheSameBytesAsTheDriverValues(t *testing.T) {
	const n = 3000 // several statements; every third note is NULL
	p := NewPlan(mixedTable(), "", "")
	var want, got bytes.Buffer
	ww := NewWriter(&want, Limits{})
	if _, err := ww.WriteTable(p, &SliceRows{Rows: mixedRows(n)}); err != nil {
		t.Fatal(err)
	}
	if err := ww.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := Query(context.Background(), replayDB(t, n), p)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	raw := len(rows.rawItems)
	// id, ratio, created, day, active and code are not []byte.
	if raw != 6 {
		t.Errorf("%d items scanned into RawBytes, want the 6 []byte columns", raw)
	}
	gw := NewWriter(&got, Limits{})
	res, err := gw.WriteTable(p, rows)
	if err != nil || res.Rows != n {
		t.Fatalf("wrote %d rows: %v", res.Rows, err)
	}
	if err := gw.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("the script read through database/sql differs (%d vs %d bytes)", got.Len(), want.Len())
	}
}
