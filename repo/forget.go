package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Policy says which snapshots forget keeps, with restic's semantics: the
// snapshots of each database are taken newest first; keep-last keeps the n
// newest, keep-daily keeps the newest snapshot of each of the n latest days
// that have one, and so on for weeks (ISO weeks) and months. A snapshot kept
// by any rule is kept. Days are UTC days.
type Policy struct {
	Last, Hourly, Daily, Weekly, Monthly, Yearly int
}

// Empty reports whether the policy keeps nothing, which forget refuses (a
// missing flag must not delete every snapshot).
func (p Policy) Empty() bool { return p == Policy{} }

type rule struct {
	n   int
	key func(time.Time) string
}

func (p Policy) rules() []rule {
	return []rule{
		{p.Last, nil},
		{p.Hourly, func(t time.Time) string { return t.Format("2006-01-02T15") }},
		{p.Daily, func(t time.Time) string { return t.Format("2006-01-02") }},
		{p.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }},
		{p.Monthly, func(t time.Time) string { return t.Format("2006-01") }},
		{p.Yearly, func(t time.Time) string { return t.Format("2006") }},
	}
}

// Apply splits the snapshots of one database into kept and removed.
func (p Policy) Apply(list []Summary) (keep, remove []Summary) {
	sorted := slices.Clone(list)
	slices.SortStableFunc(sorted, func(a, b Summary) int { return b.Time.Compare(a.Time) })
	rules := p.rules()
	last := make([]string, len(rules))
	left := make([]int, len(rules))
	for i, r := range rules {
		left[i] = r.n
	}
	for i, s := range sorted {
		kept := false
		for j, r := range rules {
			if left[j] <= 0 {
				continue
			}
			k := fmt.Sprint(i) // keep-last: every snapshot is its own bucket
			if r.key != nil {
				k = r.key(s.Time.UTC())
			}
			if k != last[j] {
				last[j] = k
				left[j]--
				kept = true
			}
		}
		if kept {
			keep = append(keep, s)
		} else {
			remove = append(remove, s)
		}
	}
	return keep, remove
}

// ForgetPolicy applies p to each database's snapshots (only database's
// when it is not "") and forgets the rest; dryRun computes without
// changing anything. It returns what was (or would be) removed.
func (r *Repository) ForgetPolicy(ctx context.Context, database string, p Policy, dryRun bool) (keep, remove []Summary, err error) {
	if p.Empty() {
		return nil, nil, errors.New("repo: forget needs at least one --keep-* rule (it would remove every snapshot)")
	}
	list, err := r.Snapshots(ctx, database)
	if err != nil {
		return nil, nil, err
	}
	byDB := map[string][]Summary{}
	var dbs []string
	for _, s := range list {
		if _, ok := byDB[s.Database]; !ok {
			dbs = append(dbs, s.Database)
		}
		byDB[s.Database] = append(byDB[s.Database], s)
	}
	for _, db := range dbs {
		k, rm := p.Apply(byDB[db])
		keep, remove = append(keep, k...), append(remove, rm...)
	}
	if dryRun || len(remove) == 0 {
		return keep, remove, nil
	}
	ids := make([]string, len(remove))
	for i, s := range remove {
		ids[i] = s.ID
	}
	return keep, remove, r.Forget(ctx, ids...)
}

// Forget removes snapshots from the repository's listing; their data stays
// until prune. Unknown ids are an error and nothing is forgotten.
func (r *Repository) Forget(ctx context.Context, ids ...string) error {
	_, err := r.updateCatalog(ctx, func(c *catalog) error {
		for _, id := range ids {
			if !slices.ContainsFunc(c.Snapshots, func(s Summary) bool { return s.ID == id }) {
				return fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
			}
		}
		c.Snapshots = slices.DeleteFunc(c.Snapshots, func(s Summary) bool { return slices.Contains(ids, s.ID) })
		c.Forgotten = append(c.Forgotten, ids...)
		return nil
	})
	return err
}
