package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// Parsing and planning SQL is a large share of a read's cost with this
// driver: profiling a home-timeline read under load showed about a fifth of
// the server's CPU in sqlite3Prepare, because database/sql hands every
// QueryContext to the driver as text, which prepares, runs and finalises it.
// cachingConn keeps each connection's prepared statements by their text and
// runs a query on the cached one, so a statement is parsed once per
// connection. The statements sada runs are a fixed set of texts built from
// constants (ids go in as bound parameters, lists as one JSON parameter),
// so the cache stays small; stmtCacheMax bounds it anyway.
const stmtCacheMax = 256

// cachingConnector opens driver connections wrapped in cachingConn.
type cachingConnector struct {
	dsn string
	drv driver.Driver
}

func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn)
}

func (c cachingConnector) Driver() driver.Driver { return c.drv }

// openCaching is sql.Open("sqlite", dsn) with statement caching. It uses
// the driver registered as "sqlite", which carries the SQL functions
// registered on it (a new sqlite.Driver would not).
func openCaching(dsn string) (*sql.DB, error) {
	reg, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, err
	}
	drv := reg.Driver()
	if err := reg.Close(); err != nil {
		return nil, err
	}
	if _, ok := drv.(*sqlite.Driver); !ok {
		return nil, fmt.Errorf("driver \"sqlite\" is %T, not modernc's", drv)
	}
	return sql.OpenDB(cachingConnector{dsn: dsn, drv: drv}), nil
}

// The driver connection's interfaces that cachingConn relies on; modernc's
// connection has them all.
type innerConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
}

// cachingConn wraps a driver connection. database/sql uses a connection
// from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	innerConn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	stmt  driver.Stmt
	inUse bool // its rows are still open
}

var (
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
)

func newCachingConn(c driver.Conn) (driver.Conn, error) {
	ic, ok := c.(innerConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("sqlite driver connection %T lacks the interfaces the statement cache needs", c)
	}
	return &cachingConn{innerConn: ic, stmts: map[string]*cachedStmt{}}, nil
}

// QueryContext runs the query on its cached statement, preparing it the
// first time. While an earlier result of the same statement is still being
// read (a query nested in a loop over its own rows), it runs uncached.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.inUse = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

// ExecContext runs the statement on its cached statement likewise.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// cached returns the query's statement, or nil when it is busy or the
// cache is full (the caller then runs the query uncached).
func (c *cachingConn) cached(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.inUse {
			return nil, nil
		}
		return cs, nil
	}
	if len(c.stmts) >= stmtCacheMax {
		return nil, nil
	}
	st, err := c.innerConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if _, ok := st.(driver.StmtQueryContext); !ok {
		st.Close()
		return nil, nil
	}
	if _, ok := st.(driver.StmtExecContext); !ok {
		st.Close()
		return nil, nil
	}
	cs := &cachedStmt{stmt: st}
	c.stmts[query] = cs
	return cs, nil
}

// IsValid passes the driver's own answer through, so database/sql drops a
// broken connection as it would without the cache.
func (c *cachingConn) IsValid() bool {
	if v, ok := c.innerConn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Close finalises the cached statements and closes the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.stmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.innerConn.Close())...)
}

// cachedRows frees its statement for the next query when closed (the
// driver resets the statement then).
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.inUse = false
	return err
}
