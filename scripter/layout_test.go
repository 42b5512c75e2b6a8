package scripter

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The zip made from a sql script and its layout is the zip the same dump
// writes in the zip format, byte for byte, whatever the options (jobs
// included), and a script that does not fit its layout is refused.
func TestZipFromScriptIsTheZipTheDumpWrites(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }
	for _, fx := range []string{"torture", "northwind", "pubs"} {
		for _, opts := range []Options{{}, {AddDropTable: true, IfNotExists: true, DumpDate: true}, {NoCreateInfo: true}, {NoData: true}, {Jobs: 3, ChunkRows: 7}} {
			var l Layout
			sqlOpts := opts
			sqlOpts.Layout = &l
			script, _ := dump(t, newMemReader(t, fx, 40), sqlOpts)
			plain, _ := dump(t, newMemReader(t, fx, 40), opts)
			if script != plain {
				t.Fatalf("%s %+v: recording the layout changed the script", fx, opts)
			}
			opts.Format = FormatZip
			want, _ := dump(t, newMemReader(t, fx, 40), opts)
			// The layout travels as JSON (in a backup repository's index).
			raw, err := json.Marshal(&l)
			if err != nil {
				t.Fatal(err)
			}
			var back Layout
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := ZipFromScript(&back, strings.NewReader(script), &got); err != nil {
				t.Fatalf("%s %+v: %v", fx, opts, err)
			}
			if got.String() != want {
				t.Fatalf("%s %+v: zip from the script (%d bytes) differs from the dump's zip (%d bytes)", fx, opts, got.Len(), len(want))
			}
			if err := ZipFromScript(&back, strings.NewReader(script+"x"), &bytes.Buffer{}); err == nil {
				t.Errorf("%s: a script longer than its layout made a zip", fx)
			}
			if err := ZipFromScript(&back, strings.NewReader(script[:len(script)-2]), &bytes.Buffer{}); err == nil {
				t.Errorf("%s: a script shorter than its layout made a zip", fx)
			}
		}
	}
}
