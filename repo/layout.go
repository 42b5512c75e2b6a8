package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// SetLayout records with the snapshot how its script is made of the dump's
// pieces (scripter.Layout, opaque here), so that cat can rebuild the zip a
// dump in the zip format would have written. Call it before Commit.
func (b *Backup) SetLayout(layout json.RawMessage) { b.idx.Layout = layout }

// Layout returns the layout recorded with snapshot s; ErrNoLayout when the
// backup recorded none.
func (r *Repository) Layout(ctx context.Context, s *Snapshot) (json.RawMessage, error) {
	idx, err := r.loadIndex(ctx, s)
	if err != nil {
		return nil, err
	}
	if len(idx.Layout) == 0 {
		return nil, fmt.Errorf("%w: snapshot %s", ErrNoLayout, s.ID)
	}
	return idx.Layout, nil
}

// ErrNoLayout: the snapshot was taken without the script's layout (by a
// source that does not record it), so no zip can be made of it.
var ErrNoLayout = errors.New("repo: the snapshot has no script layout (it was not taken by the scripter)")
