package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mssqldump/mssqldump/cmd/internal/exitcode"
	"github.com/mssqldump/mssqldump/scripter"
)

// zipMagic starts every zip archive's first local file header.
var zipMagic = []byte("PK\x03\x04")

// restoreInput is the script restore runs: a plain, zstd or gzip script,
// or a --format zip archive read in restore-order.txt order.
type restoreInput struct {
	script io.Reader
	// archive is set for a zip, to name the archive file of a failed batch.
	archive *scripter.ZipScript
	closers []func()
}

func (in *restoreInput) Close() {
	for i := len(in.closers) - 1; i >= 0; i-- {
		in.closers[i]()
	}
	in.closers = nil
}

// openRestoreInput opens FILE (stdin for "" and "-") and recognizes what it
// holds by magic bytes, never by file name: a zip archive, zstd, gzip (a zip
// inside either is recognized too), else a plain script.
func (e *cliEnv) openRestoreInput(path string) (*restoreInput, error) {
	in := &restoreInput{}
	var src io.Reader = e.stdin
	if path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		in.closers = append(in.closers, func() { _ = f.Close() })
		src = f
		magic := make([]byte, len(zipMagic))
		if n, _ := f.ReadAt(magic, 0); n == len(magic) && bytes.Equal(magic, zipMagic) {
			// The file is the archive: read it in place.
			st, err := f.Stat()
			if err == nil {
				err = in.openArchive(f, st.Size())
			}
			if err != nil {
				in.Close()
				return nil, err
			}
			return in, nil
		}
	}
	plain, closePlain, err := plainScript(src)
	if err != nil {
		in.Close()
		return nil, err
	}
	in.closers = append(in.closers, closePlain)
	br := bufio.NewReaderSize(plain, 256<<10)
	if magic, _ := br.Peek(len(zipMagic)); !bytes.Equal(magic, zipMagic) {
		in.script = br
		return in, nil
	}
	// A zip needs random access, which a pipe or a decompressor does not
	// give: spool it to a private temporary file first.
	spool, size, remove, err := spoolToTemp(br)
	if remove != nil {
		in.closers = append(in.closers, remove)
	}
	if err == nil {
		err = in.openArchive(spool, size)
	}
	if err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

func (in *restoreInput) openArchive(r io.ReaderAt, size int64) error {
	z, err := scripter.OpenZipScript(r, size)
	if err != nil {
		return archiveError(err)
	}
	in.closers = append(in.closers, func() { _ = z.Close() })
	in.script, in.archive = z, z
	return nil
}

// spoolToTemp copies r into a new temporary file, readable only by this
// user (os.CreateTemp makes it 0600: a dump holds the database's rows).
// remove closes and deletes it; it is also registered to run should a
// second interrupt end the process.
func spoolToTemp(r io.Reader) (*os.File, int64, func(), error) {
	f, remove, err := tempFile("mssqldump-restore-*.zip")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("spool the archive from stdin: %w", err)
	}
	n, err := io.Copy(f, r)
	if err != nil {
		return nil, 0, remove, fmt.Errorf("spool the archive from stdin to %s: %w", f.Name(), err)
	}
	return f, n, remove, nil
}

// tempFile creates a temporary file readable only by this user
// (os.CreateTemp makes it 0600). remove closes and deletes it; it is also
// registered to run should a second interrupt end the process.
func tempFile(pattern string) (*os.File, func(), error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, nil, err
	}
	name := f.Name()
	unregister := addCleanup(func() { _ = os.Remove(name) })
	return f, func() {
		_ = f.Close()
		_ = os.Remove(name)
		unregister()
	}, nil
}

// archiveError gives the archive's errors their documented exit codes: a
// zip that is not an mssqldump archive is the wrong input (2); one whose
// files are missing or fail their checksums is damaged (5, integrity).
func archiveError(err error) error {
	switch {
	case errors.Is(err, scripter.ErrNotDumpArchive):
		return &exitcode.UsageError{Err: fmt.Errorf("restore: %w (a --format zip archive lists its files in %s)", err, scripter.RestoreOrderFile)}
	case errors.Is(err, scripter.ErrArchiveDamaged):
		return &exitcode.IntegrityError{Err: fmt.Errorf("restore: %w", err)}
	}
	return err
}
