package duckdb

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb/mapping"
	duckdb "github.com/marcboeker/go-duckdb/v2"
)

// rawConn is the connection the store appends and commits on: a DuckDB C
// API connection to the same database instance as the database/sql pool.
// Chunk appends (write_chunk.go) need the C API handle, which go-duckdb's
// driver connection keeps private, so it is opened through go-duckdb's
// public instance cache with the same path and options as the pool's
// connector: DuckDB hands back the instance the pool uses (with its
// attached partitions) and refuses if the options differ. The cache keys
// instances by path, which is why the catalog must stay a file
// (Config.catalogPath); tests fail at the first append otherwise.
type rawConn struct {
	db   mapping.Database
	conn mapping.Connection
}

func openRawConn(dsn string) (*rawConn, error) {
	path, query, _ := strings.Cut(dsn, "?")
	opts, err := url.ParseQuery(query)
	if err != nil {
		return nil, err
	}
	var cfg mapping.Config
	if mapping.CreateConfig(&cfg) == mapping.StateError {
		mapping.DestroyConfig(&cfg)
		return nil, errors.New("create config")
	}
	defer mapping.DestroyConfig(&cfg)
	set := func(k, v string) error {
		if mapping.SetConfig(cfg, k, v) == mapping.StateError {
			return fmt.Errorf("config %s=%s refused", k, v)
		}
		return nil
	}
	// As go-duckdb's NewConnector sets it: the instance cache compares options.
	if err := set("duckdb_api", "go"); err != nil {
		return nil, err
	}
	for k, v := range opts {
		if err := set(k, v[0]); err != nil {
			return nil, err
		}
	}
	r := &rawConn{}
	var msg string
	if mapping.GetOrCreateFromCache(duckdb.GetInstanceCache(), path, &r.db, cfg, &msg) == mapping.StateError {
		mapping.Close(&r.db)
		return nil, errors.New(msg)
	}
	if mapping.Connect(r.db, &r.conn) == mapping.StateError {
		mapping.Close(&r.db)
		return nil, errors.New("connect failed")
	}
	return r, nil
}

// exec runs one statement. A statement runs as a task on DuckDB's
// scheduler, and often one of DuckDB's own threads takes it; duckdb_query
// then busy-waits for the result (measured: ~2.6 µs of CPU per committed
// span, a quarter of the commit's between checkpoints). Here the caller runs
// the task itself when it is still queued and otherwise sleeps until the
// result is ready.
func (r *rawConn) exec(q string) error {
	var stmt mapping.PreparedStatement
	defer mapping.DestroyPrepare(&stmt)
	if mapping.Prepare(r.conn, q, &stmt) == mapping.StateError {
		return errors.New(mapping.PrepareError(stmt))
	}
	var pending mapping.PendingResult
	defer mapping.DestroyPending(&pending)
	if mapping.PendingPrepared(stmt, &pending) == mapping.StateError {
		return errors.New(mapping.PendingError(pending))
	}
	wait := minWait
	for done := false; !done; {
		switch mapping.PendingExecuteTask(pending) {
		case mapping.PendingStateResultReady:
			done = true
		case mapping.PendingStateError:
			return errors.New(mapping.PendingError(pending))
		case mapping.PendingStateNoTasksAvailable:
			time.Sleep(wait)
			wait = min(2*wait, maxWait)
		default: // a task ran
			wait = minWait
		}
	}
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.ExecutePending(pending, &res) == mapping.StateError {
		return errors.New(mapping.ResultError(&res))
	}
	return nil
}

// The wait for a statement another thread runs: a COMMIT takes milliseconds
// (a checkpoint seconds), so the added latency stays small.
const minWait, maxWait = 20 * time.Microsecond, time.Millisecond

func (r *rawConn) close() {
	mapping.Disconnect(&r.conn)
	mapping.Close(&r.db)
}
