package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/cmd/internal/exitcode"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
)

// restore runs a script against a database from this machine, batch by
// batch, with sqlcmd's batch rules (scripter/sqlbatch):
//
//	mssqldump restore -h HOST -u USER -p DATABASE < db.sql
//	mssqldump restore -h HOST -u USER -p DATABASE db.sql.zst
//	mssqldump restore -h HOST -u USER -p DATABASE db.zip
//
// A --format zip archive runs as its files joined in restore-order.txt
// order, on one connection (see restoreInput).
//
// Unlike a dump it does not go through the agents: the restore target is
// usually a scratch server next to the user.
func (e *cliEnv) restore(c *cli.Context) error {
	ctx := c.Context
	l, err := e.login(c)
	if err != nil {
		return err
	}
	args, err := l.resolveDatabase(c, "mssqldump restore [options] DATABASE [FILE]")
	if err != nil {
		return err
	}
	if len(args) > 1 {
		return errUsage("restore takes at most one FILE (got %d)", len(args))
	}
	if l.CredentialsRef != "" {
		return errUsage("restore connects from this machine: give -u/-p (or --dsn), not --credentials-ref")
	}
	in, err := e.restoreSource(c, args, l.Database)
	if err != nil {
		return err
	}
	defer in.Close()
	db, err := connectForRestore(ctx, l)
	if err != nil {
		return err
	}
	defer db.Close()
	log := e.logger(c)
	prog := newProgress(e.stderr, !c.Bool("quiet"))
	defer prog.finish()
	st, err := sqlbatch.Restore(ctx, db, in.script, sqlbatch.RestoreOptions{
		ContinueOnError: c.Bool("continue-on-error"),
		RetryPasses:     retryPasses(c.Int("retry-passes")),
		Progress:        prog.restoreUpdate,
	})
	log.Info("restore finished", "database", l.Database, "batches", st.Batches, "failed", st.Failed, "retried", st.Retried, "lines", st.Lines)
	if st.VariableBatches > 0 {
		log.Warn("batches with $(name) references were run verbatim (no sqlcmd variable substitution)", "batches", st.VariableBatches)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var be *sqlbatch.BatchError
		if errors.As(err, &be) || errors.Is(err, sqlbatch.ErrBatchesFailed) {
			return &exitcode.ServerError{Err: fmt.Errorf("restore into %q on %s: %w%s", l.Database, agent.ServerAddr(l.Server), err, in.where(be))}
		}
		return archiveError(fmt.Errorf("restore into %q: %w", l.Database, err))
	}
	return nil
}

// restoreSource opens what restore runs: the snapshot of database in
// --repo, or FILE (stdin when args is empty).
func (e *cliEnv) restoreSource(c *cli.Context, args []string, database string) (*restoreInput, error) {
	if c.String("repo") == "" {
		path := ""
		if len(args) == 1 {
			path = args[0]
		}
		return e.openRestoreInput(path)
	}
	if len(args) > 0 {
		return nil, errUsage("restore --repo reads the snapshot; it takes no FILE (got %q)", args[0])
	}
	repoIn, closeRepoIn, err := e.repoScript(c, database)
	if err != nil {
		return nil, err
	}
	return &restoreInput{script: repoIn, closers: []func(){closeRepoIn}}, nil
}

// connectForRestore opens and pings the restore target. A server that
// refuses the login or the TLS handshake is a server-side failure (exit 3);
// bad connection parameters are a usage error.
func connectForRestore(ctx context.Context, l *login) (*sql.DB, error) {
	connector, err := agent.NewConnector(l.Server, l.Database, l.User, l.Password,
		map[string]string{"dial timeout": "15", "app name": "mssqldump restore"})
	if err != nil {
		return nil, errUsage("invalid connection parameters for %s: %v", agent.ServerAddr(l.Server), err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if msg, ok := agent.TLSProblem(l.Server, err); ok {
			return nil, &exitcode.ServerError{Err: errors.New(msg)}
		}
		return nil, &exitcode.ServerError{Err: fmt.Errorf("connect to SQL Server at %s, database %q: %w", agent.ServerAddr(l.Server), l.Database, err)}
	}
	return db, nil
}

// where names the archive file and line of a failed batch when restoring a
// zip, whose script lines are those of its files joined.
func (in *restoreInput) where(be *sqlbatch.BatchError) string {
	if in.archive == nil || be == nil {
		return ""
	}
	line := be.Line
	if be.ErrorLine > 0 {
		line = be.ErrorLine
	}
	file, fileLine, ok := in.archive.Locate(line)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" (archive file %s, line %d)", file, fileLine)
}

// plainScript undoes zstd or gzip compression, recognized by magic bytes,
// so a stored dump.sql.zst restores as is.
func plainScript(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 256<<10)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd:
		d, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, nil, err
		}
		return d, d.Close, nil
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		g, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, err
		}
		return g, func() { _ = g.Close() }, nil
	}
	return br, func() {}, nil
}

// retryPasses maps --retry-passes (0: none) to sqlbatch's RetryPasses
// (0: the default, negative: none).
func retryPasses(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}
