package scripter

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
)

// splitBatches splits a script as mssqldump restore does.
func splitBatches(t *testing.T, r io.Reader) []sqlbatch.Batch {
	t.Helper()
	sp := sqlbatch.NewSplitter(r)
	var out []sqlbatch.Batch
	for {
		b, err := sp.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("split: %v", err)
		}
		out = append(out, b)
	}
}

// runnable is what a restore sends to the server, leaving out what a zip
// adds by design: every archive file starts with the section's session
// settings (so each file also runs on its own), and the .sql starts with a
// comment header. Leading comment lines go, and settings batches count once
// per change.
func runnable(batches []sqlbatch.Batch) []string {
	var out []string
	settings := ""
	for _, b := range batches {
		lines := strings.Split(b.Text, "\n")
		for len(lines) > 0 && (strings.HasPrefix(lines[0], "--") || strings.TrimSpace(lines[0]) == "") {
			lines = lines[1:]
		}
		text := strings.Join(lines, "\n")
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "SET NOCOUNT ON;\n") {
			if text == settings {
				continue
			}
			settings = text
		}
		out = append(out, text)
	}
	return out
}

func TestZipArchiveRestoresAsTheSameBatchesAsTheSQLScriptOfTheSameDump(t *testing.T) {
	for _, fx := range []string{"torture", "northwind", "pubs"} {
		for _, opts := range []Options{{}, {AddDropTable: true, IfNotExists: true}, {NoCreateInfo: true}} {
			sqlScript, _ := dump(t, newMemReader(t, fx, 40), opts)
			opts.Format = FormatZip
			archive, _ := dump(t, newMemReader(t, fx, 40), opts)
			z, err := OpenZipScript(strings.NewReader(archive), int64(len(archive)))
			if err != nil {
				t.Fatal(err)
			}
			want := runnable(splitBatches(t, strings.NewReader(sqlScript)))
			got := runnable(splitBatches(t, z))
			if len(want) < 3 {
				t.Fatalf("%s %+v: only %d batches", fx, opts, len(want))
			}
			if len(got) != len(want) {
				t.Errorf("%s %+v: %d batches from the zip, %d from the .sql", fx, opts, len(got), len(want))
			}
			for i := 0; i < len(got) && i < len(want); i++ {
				if got[i] != want[i] {
					t.Fatalf("%s %+v: batch %d differs:\nzip: %.200q\nsql: %.200q", fx, opts, i+1, got[i], want[i])
				}
			}
		}
	}
}

// makeZip writes an archive of the given files (name, text pairs) in order.
func makeZip(t *testing.T, method uint16, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: files[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, files[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipScriptRunsFilesInListedOrderEachEndingItsLastBatch(t *testing.T) {
	archive := makeZip(t, zip.Deflate,
		"a.sql", "SELECT 1\nGO\nSELECT 2", // no GO and no line break at the end
		"b.sql", "\nSELECT 3\nGO\n",
		RestoreOrderFile, "# comment\nb.sql\r\n\na.sql\n",
	)
	z, err := OpenZipScript(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(z.Files(), ","); got != "b.sql,a.sql" {
		t.Errorf("files %s, want b.sql,a.sql", got)
	}
	batches := splitBatches(t, z)
	type at struct {
		text, file string
		line       int
	}
	want := []at{{"SELECT 3", "b.sql", 2}, {"SELECT 1", "a.sql", 1}, {"SELECT 2", "a.sql", 3}}
	if len(batches) != len(want) {
		t.Fatalf("%d batches, want %d: %+v", len(batches), len(want), batches)
	}
	for i, b := range batches {
		file, line, ok := z.Locate(b.StartLine)
		if got := (at{b.Text, file, line}); !ok || got != want[i] {
			t.Errorf("batch %d: %+v (located %v), want %+v", i+1, got, ok, want[i])
		}
	}
}

func TestZipWithoutRestoreOrderIsNotADumpArchive(t *testing.T) {
	archive := makeZip(t, zip.Deflate, "tables/dbo.t.sql", "CREATE TABLE dbo.t (id int);\nGO\n")
	_, err := OpenZipScript(bytes.NewReader(archive), int64(len(archive)))
	if !errors.Is(err, ErrNotDumpArchive) || !strings.Contains(err.Error(), RestoreOrderFile) {
		t.Errorf("error %v, want ErrNotDumpArchive naming %s", err, RestoreOrderFile)
	}
}

func TestZipNamingAFileItLacksIsDamagedAndNamesTheFile(t *testing.T) {
	archive := makeZip(t, zip.Deflate,
		"tables/dbo.t.sql", "CREATE TABLE dbo.t (id int);\nGO\n",
		RestoreOrderFile, "tables/dbo.t.sql\ndata/dbo.t.sql\n",
	)
	_, err := OpenZipScript(bytes.NewReader(archive), int64(len(archive)))
	if !errors.Is(err, ErrArchiveDamaged) || !strings.Contains(err.Error(), "data/dbo.t.sql") {
		t.Errorf("error %v, want ErrArchiveDamaged naming data/dbo.t.sql", err)
	}
}

func TestZipFileFailingItsChecksumIsDamaged(t *testing.T) {
	const text = "SELECT N'a long enough literal to find in the archive';\nGO\n"
	archive := makeZip(t, zip.Store, "x.sql", text, RestoreOrderFile, "x.sql\n")
	i := bytes.Index(archive, []byte("long enough"))
	archive[i] = 'L' // stored, so the CRC-32 no longer matches
	z, err := OpenZipScript(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(z)
	if !errors.Is(err, ErrArchiveDamaged) || !strings.Contains(err.Error(), "x.sql") {
		t.Errorf("error %v, want ErrArchiveDamaged naming x.sql", err)
	}
}

func TestGarbageIsADamagedArchive(t *testing.T) {
	junk := []byte("PK\x03\x04 but nothing like a zip after that")
	if _, err := OpenZipScript(bytes.NewReader(junk), int64(len(junk))); !errors.Is(err, ErrArchiveDamaged) {
		t.Errorf("error %v, want ErrArchiveDamaged", err)
	}
}
