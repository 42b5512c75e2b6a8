package scripter

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Errors of OpenZipScript and of reading a ZipScript.
var (
	// ErrNotDumpArchive: the zip has no restore-order.txt, so it is not an
	// archive this package wrote (or is not a zip at all) and there is no
	// order to run its files in.
	ErrNotDumpArchive = errors.New("not an mssqldump --format zip archive")
	// ErrArchiveDamaged: restore-order.txt names a file the archive lacks,
	// or a file fails its CRC-32 or cannot be decompressed.
	ErrArchiveDamaged = errors.New("damaged mssqldump archive")
)

// ZipScript reads a --format zip archive as one T-SQL script: the files
// restore-order.txt lists, in that order, so that a restore runs them on one
// connection (session state carries, as it does through a .sql script).
// Each file's text ends with its own GO line, as sqlcmd ends a batch at
// the end of each -i file, so a file's last batch never merges with the
// next file's first.
type ZipScript struct {
	files   []*zip.File
	current int           // index in files of the member being read
	member  io.ReadCloser // open member, or nil
	last    byte          // last byte read from the member
	pending []byte        // separator still to emit
	lines   int           // line breaks emitted so far
	starts  []int         // starts[i]: script line where files[i] begins
}

// OpenZipScript checks the archive in r (size bytes) before anything runs:
// restore-order.txt must exist and every file it names must be in the
// archive. Nothing is decompressed until Read.
func OpenZipScript(r io.ReaderAt, size int64) (*ZipScript, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrArchiveDamaged, err)
	}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		byName[f.Name] = f
	}
	orderFile, ok := byName[RestoreOrderFile]
	if !ok {
		return nil, fmt.Errorf("%w: it has no %s", ErrNotDumpArchive, RestoreOrderFile)
	}
	names, err := readRestoreOrder(orderFile)
	if err != nil {
		return nil, err
	}
	z := &ZipScript{}
	var missing []string
	for _, name := range names {
		f, ok := byName[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		z.files = append(z.files, f)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("%w: %s names %d file(s) the archive lacks: %s", ErrArchiveDamaged, RestoreOrderFile, len(missing), strings.Join(missing, ", "))
	}
	return z, nil
}

// readRestoreOrder returns the file names of restore-order.txt: one per
// line, skipping # comments and blank lines (a CR before the line break,
// left by an editor, is not part of the name).
func readRestoreOrder(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrArchiveDamaged, RestoreOrderFile, err)
	}
	defer rc.Close()
	text, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrArchiveDamaged, RestoreOrderFile, err)
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(nil, len(text)+1)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names = append(names, line)
	}
	return names, sc.Err()
}

// Files returns the archive's file names in restore order.
func (z *ZipScript) Files() []string {
	out := make([]string, len(z.files))
	for i, f := range z.files {
		out[i] = f.Name
	}
	return out
}

// Read implements io.Reader over the files in restore order.
func (z *ZipScript) Read(p []byte) (int, error) {
	for {
		if len(z.pending) > 0 {
			n := copy(p, z.pending)
			z.lines += bytes.Count(p[:n], []byte{'\n'})
			z.pending = z.pending[n:]
			return n, nil
		}
		if z.member == nil {
			if z.current >= len(z.files) {
				return 0, io.EOF
			}
			rc, err := z.files[z.current].Open()
			if err != nil {
				return 0, fmt.Errorf("%w: %s: %v", ErrArchiveDamaged, z.files[z.current].Name, err)
			}
			z.member, z.last = rc, '\n'
			z.starts = append(z.starts, z.lines+1)
		}
		n, err := z.member.Read(p)
		if n > 0 {
			z.last = p[n-1]
			z.lines += bytes.Count(p[:n], []byte{'\n'})
			return n, nil
		}
		if err == io.EOF {
			z.member.Close()
			z.member = nil
			z.current++
			z.pending = []byte("GO\n")
			if z.last != '\n' {
				z.pending = []byte("\nGO\n")
			}
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("%w: %s: %v", ErrArchiveDamaged, z.files[z.current].Name, err)
		}
	}
}

// Locate maps a line of the script Read returns onto the archive file it
// came from and the line within that file (both 1-based); ok is false for
// a line before the first file. The GO line Read adds after a file maps
// onto the line after that file's last, and a line not read yet onto the
// last file opened: batch errors name lines already read.
func (z *ZipScript) Locate(line int) (file string, fileLine int, ok bool) {
	i := sort.Search(len(z.starts), func(i int) bool { return z.starts[i] > line }) - 1
	if i < 0 || line < 1 {
		return "", 0, false
	}
	return z.files[i].Name, line - z.starts[i] + 1, true
}

// Close closes the file being read, if any.
func (z *ZipScript) Close() error {
	if z.member == nil {
		return nil
	}
	err := z.member.Close()
	z.member = nil
	return err
}
