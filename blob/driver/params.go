package driver

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
)

// CheckParams returns an error naming every query parameter of q that is not
// in allowed. URL openers call it first so that a typo such as
// "?part-size=" is an error instead of a silently ignored setting.
func CheckParams(scheme string, q url.Values, allowed ...string) error {
	var unknown []string
	for k := range q {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("%s URL: unknown query parameter(s) %s (accepted: %s)",
		scheme, strings.Join(unknown, ", "), strings.Join(allowed, ", "))
}

// ParseSize parses a byte size parameter such as "16MiB", "16777216" or
// "64 MB".
func ParseSize(name, v string) (int64, error) {
	n, err := humanize.ParseBytes(v)
	if err != nil || n == 0 || n > 1<<40 {
		return 0, fmt.Errorf("parameter %s=%q: want a positive byte size such as 16MiB", name, v)
	}
	return int64(n), nil
}

// ParseBool parses a boolean parameter.
func ParseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("parameter %s=%q: want true or false", name, v)
	}
	return b, nil
}

// ParsePositiveInt parses a positive integer parameter.
func ParsePositiveInt(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("parameter %s=%q: want a positive integer", name, v)
	}
	return n, nil
}
