package catalog

import (
	"context"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// Read detects the server, runs every catalog query inside q and assembles
// the model. Pass the snapshot transaction so the catalog matches the data.
func Read(ctx context.Context, q Querier, permissions bool) (*model.Database, *Server, []Warning, error) {
	return ReadScope(ctx, q, Scope{Permissions: permissions})
}

// ReadScope is Read of only the catalog families scope needs (see Scope):
// the model it returns scripts what those options script byte for byte.
func ReadScope(ctx context.Context, q Querier, scope Scope) (*model.Database, *Server, []Warning, error) {
	// On Babelfish detection reads sys.all_objects and pg_namespace with
	// plain reads, which the catalog's steps read too: shared keeps them
	// for those steps.
	shared := &plainCatalog{}
	s, err := detectServer(ctx, q, false, shared)
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err := readRowsScope(ctx, q, s, scope, shared)
	if err != nil {
		return nil, s, nil, err
	}
	db, warnings := Assemble(rows)
	return db, s, warnings, nil
}
