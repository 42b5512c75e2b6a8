package repo

import (
	"bytes"
	"strconv"
)

// maxNameLen bounds a part name: it only has to tell batches apart.
const maxNameLen = 160

// partName says what a part is, so that the next snapshot finds the same
// batch in its parent even when the batch's bytes changed: an INSERT batch is
// "INSERT <table> <first value of its first row>" (the first column is the
// key's first column in key order), anything else is its first line that
// is neither blank nor a comment ("CREATE TABLE [dbo].[Orders] (").
func partName(p []byte) string {
	name, _ := batchName(p)
	return name
}

// batchName is partName of one batch, and whether it is an INSERT batch.
func batchName(p []byte) (string, bool) {
	if i := bytes.Index(p, []byte("INSERT INTO ")); i >= 0 && (i == 0 || p[i-1] == '\n') {
		rest := p[i+len("INSERT INTO "):]
		table := rest
		if j := bytes.Index(rest, []byte(" (")); j >= 0 {
			table = rest[:j]
		}
		var first []byte
		if j := bytes.Index(rest, []byte(") VALUES\n(")); j >= 0 {
			first = rest[j+len(") VALUES\n("):]
			if k := bytes.IndexAny(first, ",)\n"); k >= 0 {
				first = first[:k]
			}
		}
		return clip("INSERT " + string(table) + " " + string(first)), true
	}
	for line := range bytes.Lines(p) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || bytes.HasPrefix(t, []byte("--")) {
			continue
		}
		return clip(string(t)), false
	}
	return "", false
}

func clip(s string) string {
	if len(s) > maxNameLen {
		return s[:maxNameLen]
	}
	return s
}

// namer makes names unique within one snapshot (two batches can start with
// the same first value when the key has several columns): the second is
// "name#2", and so on, in script order.
type namer map[string]int

func (n namer) unique(name string) string {
	n[name]++
	if c := n[name]; c > 1 {
		return name + "#" + strconv.Itoa(c)
	}
	return name
}
