package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Nullable scan targets: NULL becomes the zero value. Catalog columns are
// NULL in many harmless ways (no collation, no default, no filter) and the
// model wants plain values.

type nstr struct{ p *string }

func (n nstr) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = ""
	case string:
		*n.p = x
	case []byte:
		*n.p = string(x)
	case int64:
		*n.p = strconv.FormatInt(x, 10)
	default:
		*n.p = fmt.Sprint(x)
	}
	return nil
}

type nint64 struct{ p *int64 }

func (n nint64) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = 0
	case int64:
		*n.p = x
	case []byte:
		i, err := strconv.ParseInt(strings.TrimSpace(string(x)), 10, 64)
		if err != nil {
			return err
		}
		*n.p = i
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return err
		}
		*n.p = i
	case bool:
		*n.p = 0
		if x {
			*n.p = 1
		}
	default:
		return fmt.Errorf("catalog: cannot scan %T into an integer", v)
	}
	return nil
}

type nint struct{ p *int }

func (n nint) Scan(v any) error {
	var i int64
	if err := (nint64{&i}).Scan(v); err != nil {
		return err
	}
	*n.p = int(i)
	return nil
}

type nbool struct{ p *bool }

func (n nbool) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = false
	case bool:
		*n.p = x
	case int64:
		*n.p = x != 0
	case []byte:
		*n.p = string(x) == "1" || strings.EqualFold(string(x), "true")
	case string:
		*n.p = x == "1" || strings.EqualFold(x, "true")
	default:
		return fmt.Errorf("catalog: cannot scan %T into a bool", v)
	}
	return nil
}

// nptr scans text that must stay distinguishable from NULL.
type nptr struct{ p **string }

func (n nptr) Scan(v any) error {
	if v == nil {
		*n.p = nil
		return nil
	}
	var s string
	if err := (nstr{&s}).Scan(v); err != nil {
		return err
	}
	*n.p = &s
	return nil
}

type nintptr struct{ p **int }

func (n nintptr) Scan(v any) error {
	if v == nil {
		*n.p = nil
		return nil
	}
	var i int
	if err := (nint{&i}).Scan(v); err != nil {
		return err
	}
	*n.p = &i
	return nil
}

// query runs one catalog query and scans every row with scan. what names the
// query in errors ("reading sys.tables").
func query[T any](ctx context.Context, q Querier, what, text string, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := q.QueryContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("catalog: reading %s: %w", what, err)
	}
	var out []T
	for rows.Next() {
		var r T
		if err := scan(rows, &r); err != nil {
			rows.Close()
			return nil, fmt.Errorf("catalog: reading %s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("catalog: reading %s: %w", what, err)
	}
	return out, nil
}
