package ddl

import "io"

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
