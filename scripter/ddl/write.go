package ddl

import (
	"io"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// WritePreData writes every pre-data object. The data section (INSERTs and
// ReseedStatements, tables in Script.Tables order) goes between this and
// WritePostData.
func (s *Script) WritePreData(w io.Writer) error { return s.write(w, PreData) }

// WritePostData writes every post-data object.
func (s *Script) WritePostData(w io.Writer) error { return s.write(w, PostData) }

// Write writes both sections with nothing between them (a schema-only dump).
func (s *Script) Write(w io.Writer) error {
	if err := s.WritePreData(w); err != nil {
		return err
	}
	return s.WritePostData(w)
}

func (s *Script) write(w io.Writer, sec Section) error {
	for _, o := range s.Objects {
		if o.Section != sec {
			continue
		}
		if _, err := io.WriteString(w, o.Text); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
	}
	return nil
}

// WritePreData builds db's script and writes its pre-data section.
func WritePreData(w io.Writer, db *model.Database, opts Options) ([]Warning, error) {
	s := Build(db, opts)
	return s.Warnings, s.WritePreData(w)
}

// WritePostData builds db's script and writes its post-data section.
func WritePostData(w io.Writer, db *model.Database, opts Options) ([]Warning, error) {
	s := Build(db, opts)
	return s.Warnings, s.WritePostData(w)
}
