package catalog

import (
	"context"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// Read detects the server, runs every catalog query inside q and assembles
// the model. Pass the snapshot transaction so the catalog matches the data.
func Read(ctx context.Context, q Querier, permissions bool) (*model.Database, *Server, []Warning, error) {
	s, err := DetectServer(ctx, q)
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err := ReadRows(ctx, q, s, permissions)
	if err != nil {
		return nil, s, nil, err
	}
	db, warnings := Assemble(rows)
	return db, s, warnings, nil
}
