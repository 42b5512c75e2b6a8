package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/mssqldump/mssqldump/repo"
	"github.com/mssqldump/mssqldump/scripter"
)

// catZip writes to w the zip a dump with --format zip would have made when
// snapshot id was taken: the script is rebuilt and verified against its
// SHA-256 into a temporary file first, then cut into the archive's files by
// the layout the backup recorded. A script that does not fit its layout is
// an integrity error (exit 5), as a damaged part is.
func catZip(ctx context.Context, r *repo.Repository, id string, w io.Writer) error {
	s, err := r.Snapshot(ctx, id)
	if err != nil {
		return err
	}
	raw, err := r.Layout(ctx, s)
	if err != nil {
		return err
	}
	var l scripter.Layout
	if err := json.Unmarshal(raw, &l); err != nil {
		return &repo.IntegrityError{Snapshot: s.ID, Key: s.Index, Problem: "unreadable script layout: " + err.Error()}
	}
	f, remove, err := catToTemp(ctx, r, s.ID, "mssqldump-cat-*.sql")
	if err != nil {
		return err
	}
	defer remove()
	if err := scripter.ZipFromScript(&l, f, w); err != nil {
		return &repo.IntegrityError{Snapshot: s.ID, Key: s.Index, Problem: "the script does not fit its recorded layout: " + err.Error()}
	}
	return nil
}
