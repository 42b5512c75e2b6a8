package scripter

import "context"

// sessionsAhead are the extra sessions of a parallel dump, opened in the
// background while the main connection reads the catalog. A login is not
// free: Babelfish forks a backend and loads its catalog for each (0.2-0.5 s
// measured), and the main connection leaves the server's other cores idle
// while it reads the catalog, so the logins cost no wall time there.
type sessionsAhead struct {
	results chan sessionResult
	pending int // results not received yet
}

type sessionResult struct {
	s   *sqlSession
	err error
}

// openAhead starts opening n sessions (connection and read transaction,
// in the database snapshot when there is one) for Parallel to take.
func (r *sqlReader) openAhead(ctx context.Context, n int) {
	if n <= 0 {
		return
	}
	a := &sessionsAhead{results: make(chan sessionResult, n), pending: n}
	for range n {
		go func() {
			s, err := r.openSession(ctx)
			a.results <- sessionResult{s, err}
		}()
	}
	r.ahead = a
}

// openSession takes a new connection of the pool and starts its session.
func (r *sqlReader) openSession(ctx context.Context) (*sqlSession, error) {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil, wrapServerError(err)
	}
	s, err := r.startSession(ctx, conn)
	if err != nil {
		// startSession may have failed after its USE (a dump canceled
		// meanwhile): conn goes back to the pool out of the snapshot.
		r.releaseConn(conn)
		return nil, err
	}
	return s, nil
}

// takeSession returns a session opened ahead when one is left, else opens
// one now. Every session it returns is in r.sessions, for Close.
func (r *sqlReader) takeSession(ctx context.Context) (*sqlSession, error) {
	var res sessionResult
	if a := r.ahead; a != nil && a.pending > 0 {
		a.pending--
		res = <-a.results
	} else {
		res.s, res.err = r.openSession(ctx)
	}
	if res.err != nil {
		return nil, res.err
	}
	r.sessions = append(r.sessions, res.s)
	return res.s, nil
}

// closeAhead waits for the sessions opened ahead that nobody took (a dump
// that failed before Parallel, or fewer parts than jobs) and closes them.
func (r *sqlReader) closeAhead() {
	a := r.ahead
	if a == nil {
		return
	}
	for ; a.pending > 0; a.pending-- {
		if res := <-a.results; res.err == nil {
			r.leaveSnapshot(res.s)
		}
	}
}
