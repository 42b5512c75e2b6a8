package scripter

import (
	"strings"
	"testing"
)

// A data-only script loads rows into tables that already have their FKs,
// CHECKs and triggers: every switch-off comes before the first row and
// every switch-on after the last, and a full script has neither.
func TestNoCreateInfoSwitchesConstraintsAndTriggersOffAroundAllTheRows(t *testing.T) {
	out, _ := dump(t, newMemReader(t, "torture", 3), Options{NoCreateInfo: true})
	firstRow, lastRow := strings.Index(out, "INSERT INTO "), strings.LastIndex(out, "INSERT INTO ")
	if firstRow < 0 {
		t.Fatal("the data-only script has no rows")
	}
	for _, before := range []string{
		"ALTER TABLE [dbo].[Child] NOCHECK CONSTRAINT [FK_Child_Parent];",
		"ALTER TABLE [dbo].[Parent] NOCHECK CONSTRAINT [FK_Parent_FavoriteChild];",
		"ALTER TABLE [dbo].[Employee] NOCHECK CONSTRAINT [FK_Employee_Manager];",
		"DISABLE TRIGGER [dbo].[trg_Child_Audit] ON [dbo].[Child];",
	} {
		if i := strings.Index(out, before); i < 0 || i > firstRow {
			t.Errorf("%q at %d, the first row at %d", before, i, firstRow)
		}
	}
	for _, after := range []string{
		"ALTER TABLE [dbo].[Child] WITH CHECK CHECK CONSTRAINT [FK_Child_Parent];",
		"ALTER TABLE [dbo].[Parent] WITH CHECK CHECK CONSTRAINT [FK_Parent_FavoriteChild];",
		"ALTER TABLE [dbo].[Legacy] WITH NOCHECK CHECK CONSTRAINT [FK_Legacy_Child];",
		"ENABLE TRIGGER [dbo].[trg_Child_Audit] ON [dbo].[Child];",
	} {
		if i := strings.Index(out, after); i < lastRow {
			t.Errorf("%q at %d, the last row at %d", after, i, lastRow)
		}
	}
	if strings.Contains(out, "[FK_Legacy_Parent]") || strings.Contains(out, "[trg_Child_Disabled]") {
		t.Error("a constraint or trigger disabled in the source is switched")
	}

	full, _ := dump(t, newMemReader(t, "torture", 3), Options{})
	for _, s := range []string{" NOCHECK CONSTRAINT [FK_Child_Parent]", "DISABLE TRIGGER [dbo].[trg_Child_Audit]", " CHECK CHECK CONSTRAINT "} {
		if strings.Contains(full, s) {
			t.Errorf("the full script has %q", s)
		}
	}
}
