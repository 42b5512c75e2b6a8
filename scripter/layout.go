package scripter

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/mssqldump/mssqldump/scripter/ddl"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// Layout records how a sql-format script is made of the dump's pieces: the
// header, each DDL object (its type and names) and each table's rows, with
// their lengths, in script order. With it, ZipFromScript makes from the
// script alone the zip a dump with Format "zip" would have written at the
// same moment, byte for byte (a backup repository stores the script and the
// layout, and cat --format zip rebuilds the zip). A dump records it when
// Options.Layout is set (sql format only).
type Layout struct {
	Header  int64         `json:"header"`
	Entries []LayoutEntry `json:"entries"`
	Trailer int64         `json:"trailer"`
}

// LayoutEntry is one DDL object (Type set) or one table's rows (Type
// empty; Size may be 0).
type LayoutEntry struct {
	Type   string      `json:"t,omitempty"`
	QName  model.QName `json:"q"`
	Parent model.QName `json:"p,omitzero"`
	Size   int64       `json:"s"`
}

// layoutSink writes the sql format through next and records the layout.
type layoutSink struct {
	next sink
	l    *Layout
}

func newLayoutSink(next sink, l *Layout) *layoutSink {
	*l = Layout{}
	return &layoutSink{next: next, l: l}
}

func (s *layoutSink) header(text string) error {
	s.l.Header = int64(len(text))
	return s.next.header(text)
}

func (s *layoutSink) object(o ddl.Object) error {
	s.l.Entries = append(s.l.Entries, LayoutEntry{Type: o.Type, QName: o.QName, Parent: o.Parent, Size: int64(len(o.Text))})
	return s.next.object(o)
}

func (s *layoutSink) table(t *model.Table) io.Writer {
	s.l.Entries = append(s.l.Entries, LayoutEntry{QName: t.QName})
	return &layoutTable{w: s.next.table(t), l: s.l, i: len(s.l.Entries) - 1}
}

func (s *layoutSink) finish(trailer string) error {
	s.l.Trailer = int64(len(trailer))
	return s.next.finish(trailer)
}

type layoutTable struct {
	w io.Writer
	l *Layout
	i int
}

func (t *layoutTable) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.l.Entries[t.i].Size += int64(n)
	return n, err
}

// ZipFromScript writes to w the zip archive a dump in the zip format would
// have made, from the sql-format script of the same dump and its layout.
// The script must be exactly the one the layout describes (verify it
// first); a script that does not fit the layout is an error.
func ZipFromScript(l *Layout, script io.Reader, w io.Writer) error {
	r := bufio.NewReaderSize(script, 64<<10)
	read := func(n int64) (string, error) {
		if n < 0 || n > 1<<30 {
			return "", errors.New("scripter: layout entry out of range")
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return "", fmt.Errorf("scripter: script shorter than its layout: %w", err)
		}
		return string(b), nil
	}
	z := newZipSink(w)
	text, err := read(l.Header)
	if err != nil {
		return err
	}
	if err := z.header(text); err != nil {
		return err
	}
	for _, e := range l.Entries {
		if e.Type == "" {
			if _, err := io.CopyN(z.table(&model.Table{QName: e.QName}), r, e.Size); err != nil {
				return fmt.Errorf("scripter: script shorter than its layout: %w", err)
			}
			continue
		}
		text, err := read(e.Size + 1) // the sql format ends each object with a newline
		if err != nil {
			return err
		}
		if text[len(text)-1] != '\n' {
			return errors.New("scripter: script does not fit its layout")
		}
		if err := z.object(ddl.Object{Type: e.Type, QName: e.QName, Parent: e.Parent, Text: text[:len(text)-1]}); err != nil {
			return err
		}
	}
	trailer, err := read(l.Trailer)
	if err != nil {
		return err
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return errors.New("scripter: script longer than its layout")
	}
	return z.finish(trailer)
}
