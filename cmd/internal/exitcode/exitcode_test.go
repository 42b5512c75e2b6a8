package exitcode

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/cmd/internal/client"
	"github.com/mssqldump/mssqldump/repo"
)

func TestEveryErrorKindHasItsDocumentedCode(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("job x: %w", err) }
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"other", errors.New("boom"), 1},
		{"usage", Usagef("missing DATABASE"), 2},
		{"invalid job", wrap(fmt.Errorf("%w: database is empty", protocol.ErrInvalid)), 2},
		{"login failed", wrap(&client.JobError{Status: protocol.StatusFailed, Code: protocol.ErrCodeDumpFailed}), 3},
		{"sql unreachable", wrap(&client.JobError{Status: protocol.StatusFailed, Code: protocol.ErrCodeUnreachable}), 3},
		{"refused by the agent's policy", wrap(&client.JobError{Status: protocol.StatusFailed, Code: protocol.ErrCodeNotAllowed}), 3},
		{"restore batch failed", &ServerError{Err: errors.New("batch 3")}, 3},
		{"expired", wrap(&client.JobError{Status: protocol.StatusFailed, Code: protocol.ErrCodeExpired}), 4},
		{"timeout", wrap(client.ErrTimeout), 4},
		{"deadline", wrap(context.DeadlineExceeded), 4},
		{"integrity", wrap(client.ErrIntegrity), 5},
		{"damaged archive", wrap(&IntegrityError{Err: errors.New("restore-order.txt names a missing file")}), 5},
		{"repository integrity", wrap(&repo.IntegrityError{Key: "data/ab/abcd", Problem: "content does not match its SHA-256"}), 5},
		{"malformed snapshot id", wrap(repo.ErrBadSnapshotID), 2},
		{"broker unavailable", wrap(broker.ErrUnavailable), 6},
		{"blob unavailable", wrap(blob.ErrUnavailable), 6},
		{"agent storage failure", wrap(&client.JobError{Status: protocol.StatusFailed, Code: protocol.ErrCodeStorage}), 6},
		{"no fleet key", wrap(client.ErrNoFleetKey), 6},
		{"open timed out, marked unreachable", &UnavailableError{Err: wrap(context.DeadlineExceeded)}, 6},
		{"internal", wrap(&client.JobError{Status: protocol.StatusFailed, Code: protocol.ErrCodeInternal}), 1},
		{"interrupted", wrap(client.ErrInterrupted), 130},
		{"canceled reply", wrap(&client.JobError{Status: protocol.StatusCanceled, Code: "canceled"}), 130},
		{"context canceled", context.Canceled, 130},
	} {
		if got := For(tc.err); got != tc.want {
			t.Errorf("%s: For(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestHelpDocumentsEveryCode(t *testing.T) {
	for _, c := range []int{OK, Other, Usage, DumpFailed, Timeout, Integrity, Unavailable, Interrupted} {
		if !strings.Contains(Help, fmt.Sprintf("\n   %d ", c)) {
			t.Errorf("Help does not document exit code %d", c)
		}
	}
}
