package repo

import (
	"encoding/json"
	"testing"
)

// A snapshot's BytesAdded counts its own manifest, whose length depends on
// how many digits that figure has: 999 bytes of parts plus a manifest that
// pushes the total past 1,000 must still count exactly.
func TestTheManifestCountsItsOwnLengthExactly(t *testing.T) {
	for _, added := range []int64{0, 9, 850, 999, 9_999_700, 1 << 40} {
		s := &Snapshot{V: formatVersion, ID: "0123456789abcdef", Database: "Sales"}
		m := manifestCounted(s, added)
		var back Snapshot
		if err := json.Unmarshal(m, &back); err != nil {
			t.Fatal(err)
		}
		if want := added + int64(len(m)); back.BytesAdded != want {
			t.Errorf("added %d: manifest says %d, want %d", added, back.BytesAdded, want)
		}
	}
}
