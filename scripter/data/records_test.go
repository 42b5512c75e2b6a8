package data

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

func TestATableEncodedInPiecesAndAddedAsRecordsGetsTheStatementsOfOneContinuousWrite(t *testing.T) {
	const n = 5000
	rows := mixedRows(n)
	p := NewPlan(mixedTable(), "", "")
	for _, limits := range []Limits{{}, {RowsPerInsert: 100}, {RowsPerInsert: 10}, {MaxInsertBytes: 20000}} {
		var want bytes.Buffer
		w := NewWriter(&want, limits)
		wantRes, err := w.WriteTable(p, &SliceRows{Rows: rows})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		for _, cuts := range [][]int{{0, n}, {0, 1, n}, {0, 777, 2500, 4999, n}, {0, 1000, 2000, 3000, 4000, n}} {
			name := fmt.Sprintf("%+v cut at %v", limits, cuts)
			var parts []*bytes.Buffer
			for i := 0; i+1 < len(cuts); i++ {
				var part bytes.Buffer
				got, err := NewWriter(nil, limits).EncodeRecords(p, &SliceRows{Rows: rows[cuts[i]:cuts[i+1]]}, &part)
				if err != nil || got != int64(cuts[i+1]-cuts[i]) {
					t.Fatalf("%s: encoded %d rows: %v", name, got, err)
				}
				parts = append(parts, &part)
			}
			var out bytes.Buffer
			w := NewWriter(&out, limits)
			ts := w.BeginTable(p)
			for _, part := range parts {
				if err := ts.AddRecords(part); err != nil {
					t.Fatal(err)
				}
			}
			res, err := ts.End()
			if err == nil {
				err = w.Flush()
			}
			if err != nil {
				t.Fatal(err)
			}
			if res != wantRes {
				t.Errorf("%s: %+v, want %+v", name, res, wantRes)
			}
			if !bytes.Equal(out.Bytes(), want.Bytes()) {
				t.Errorf("%s: the statements differ from one continuous write", name)
			}
		}
	}
}

func TestARecordStreamCutShortIsAnError(t *testing.T) {
	p := NewPlan(mixedTable(), "", "")
	var part bytes.Buffer
	if _, err := NewWriter(nil, Limits{}).EncodeRecords(p, &SliceRows{Rows: mixedRows(3)}, &part); err != nil {
		t.Fatal(err)
	}
	cut := part.Bytes()[:part.Len()-5]
	ts := NewWriter(io.Discard, Limits{}).BeginTable(p)
	if err := ts.AddRecords(bytes.NewReader(cut)); err == nil {
		t.Fatal("a truncated record stream was accepted")
	}
}
