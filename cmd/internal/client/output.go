package client

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/mssqldump/mssqldump/blob"
)

// Output receives the verified script. Fetch writes the whole stream, then
// calls Commit once the digest matched, or Abort on any failure.
type Output interface {
	io.Writer
	// Commit makes the written bytes final (flush, fsync, rename).
	Commit() error
	// Abort discards what was written, as far as the destination allows.
	// It is safe to call more than once and after Commit (then it does
	// nothing).
	Abort()
}

// writeError marks a failure of the output itself (disk full, broken pipe),
// so Fetch does not mistake it for a corrupt download.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

func isStorageError(err error) bool {
	var be *blob.Error
	return errors.As(err, &be)
}

// FileOutput writes -r FILE atomically: into a temporary file in FILE's
// directory, then, on Commit, fsync, rename over FILE and fsync the
// directory. Until Commit succeeds FILE is untouched (an existing FILE is
// replaced only on success), and Abort removes the temporary file.
type FileOutput struct {
	path string
	mu   sync.Mutex
	tmp  *os.File
	mode os.FileMode // FILE's mode once committed
	w    *bufio.Writer
	done bool
}

// NewFileOutput creates the temporary file next to path.
func NewFileOutput(path string) (*FileOutput, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return nil, fmt.Errorf("result file %q names a directory", path)
	}
	// A replaced file keeps its mode; a new one gets what the shell's
	// "> FILE" would give: 0666 less the umask (see newTempFile).
	keep := os.FileMode(0)
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("result file %q is a directory", path)
		}
		keep = fi.Mode().Perm()
	}
	tmp, umasked, err := newTempFile(dir, base)
	if err != nil {
		return nil, fmt.Errorf("result file: %w", err)
	}
	mode := umasked
	if keep != 0 {
		mode = keep
	}
	return &FileOutput{path: path, tmp: tmp, mode: mode, w: bufio.NewWriterSize(tmp, copyBuffer)}, nil
}

// newTempFile creates an empty temporary file next to the result file. It
// is created with 0666 so that the kernel applies the process's umask (read
// without changing it, which no other goroutine could observe safely), and
// is then narrowed to 0600 before a byte of the dump is written: until the
// rename, nobody else may read a partial dump. Commit sets the final mode.
func newTempFile(dir, base string) (*os.File, os.FileMode, error) {
	var rnd [6]byte
	for range 100 {
		_, _ = rand.Read(rnd[:])
		name := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(rnd[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		fi, err := f.Stat()
		if err == nil {
			err = f.Chmod(0o600)
		}
		if err != nil {
			_ = f.Close()
			_ = os.Remove(name)
			return nil, 0, err
		}
		return f, fi.Mode().Perm(), nil
	}
	return nil, 0, errors.New("cannot create a unique temporary file in " + dir)
}

// TempPath is the temporary file's name (for a signal handler's cleanup).
func (f *FileOutput) TempPath() string { return f.tmp.Name() }

func (f *FileOutput) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil {
		return n, &writeError{err}
	}
	return n, nil
}

// Commit flushes, fsyncs, renames over the target and fsyncs the directory.
func (f *FileOutput) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return errors.New("result file already finished")
	}
	err := f.w.Flush()
	if err == nil {
		err = f.tmp.Chmod(f.mode)
	}
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		_ = os.Remove(f.tmp.Name())
		f.done = true
		return err
	}
	f.done = true
	// The rename is durable only once the directory entry is on disk.
	return syncDir(filepath.Dir(f.path))
}

// Abort closes and removes the temporary file; FILE is left as it was.
func (f *FileOutput) Abort() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done = true
	_ = f.tmp.Close()
	_ = os.Remove(f.tmp.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// StreamOutput writes to a stream such as stdout. Bytes leave as they
// arrive (a dump can be larger than memory or disk), so a verification
// failure cannot unsend them; but when the stream is a regular file (the
// shell's "> db.sql"), Abort truncates it back to where the dump began, so a
// failed run leaves no partial script there either. Use -r FILE for a file
// that is replaced only on success.
type StreamOutput struct {
	f     *os.File
	w     *bufio.Writer
	start int64 // offset where the dump began; -1 when not a regular file
	mu    sync.Mutex
	done  bool
}

// NewStreamOutput wraps f (usually os.Stdout).
func NewStreamOutput(f *os.File) *StreamOutput {
	s := &StreamOutput{f: f, w: bufio.NewWriterSize(f, copyBuffer), start: -1}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if appendMode(f) {
			// ">>": every write goes to the end, whatever the offset says.
			s.start = fi.Size()
		} else if off, err := f.Seek(0, io.SeekCurrent); err == nil {
			s.start = off
		}
	}
	return s
}

func (s *StreamOutput) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		return n, &writeError{err}
	}
	return n, nil
}

// Commit flushes the buffered tail.
func (s *StreamOutput) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	if err := s.w.Flush(); err != nil {
		return err
	}
	if s.start >= 0 {
		return s.f.Sync()
	}
	return nil
}

// Abort drops the buffered tail and, for a regular file, truncates it back
// to where the dump began.
func (s *StreamOutput) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	s.done = true
	s.w.Reset(io.Discard)
	if s.start >= 0 {
		_ = s.f.Truncate(s.start)
		_, _ = s.f.Seek(s.start, io.SeekStart)
	}
}
