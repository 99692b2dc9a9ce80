package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"lookout/internal/store/duckfile"
)

// RepairReport says what Repair did.
type RepairReport struct {
	Path    string
	Damaged bool   // false: the file opened, nothing was done
	Reason  string // what was wrong with it
	MovedTo string // where the damaged file is kept
	// Copied counts the rows copied per table from the damaged file into
	// the new one; Lost names the tables that could not be read, with
	// DuckDB's reason; Unreadable is why nothing at all could be.
	Copied     map[string]int64
	Lost       map[string]string
	Unreadable string
}

// salvage lists the tables Repair copies, and the sequence each one's id
// column draws from.
var salvage = []struct{ table, seq string }{
	{"err_projects", "err_project_ids"},
	{"err_tokens", ""},
	{"err_items", "err_item_ids"},
	{"err_occurrences", "err_occurrence_ids"},
	{"cw_log_groups", ""},
	{"cw_log_streams", ""},
	{"config_documents", ""},
}

// Repair brings back a metadata store Open refuses as damaged: the file
// (and its WAL) is set aside as <path>.damaged-<time>, a new store is
// created in its place, and every table that can still be read from the
// damaged file is copied into it. A store that opens is left alone. Run it
// with no Lookout using the file.
func Repair(ctx context.Context, cfg Config) (RepairReport, error) {
	rep := RepairReport{Path: cfg.Path, Copied: map[string]int64{}, Lost: map[string]string{}}
	if err := cfg.Validate(); err != nil {
		return rep, err
	}
	if _, err := os.Stat(cfg.Path); errors.Is(err, fs.ErrNotExist) {
		return rep, nil
	}
	s, err := Open(ctx, cfg)
	if err == nil {
		return rep, s.Close()
	}
	var de *DamagedError
	if !errors.As(err, &de) {
		return rep, fmt.Errorf("metadata store %s: %w", cfg.Path, err)
	}
	rep.Damaged, rep.Reason = true, de.Err.Error()
	if rep.MovedTo, err = duckfile.SetAside(cfg.Path, time.Now()); err != nil {
		return rep, err
	}
	if s, err = Open(ctx, cfg); err != nil {
		return rep, fmt.Errorf("new metadata store %s: %w", cfg.Path, err)
	}
	copyErr := s.salvage(ctx, rep.MovedTo, &rep)
	if err := s.Close(); err != nil {
		return rep, fmt.Errorf("new metadata store %s: %w", cfg.Path, err)
	}
	return rep, copyErr
}

// salvage copies what can be read of the damaged file at from into the
// store, table by table, each in its own transaction.
func (s *Store) salvage(ctx context.Context, from string, rep *RepairReport) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	attach := fmt.Sprintf("ATTACH '%s' AS damaged (READ_ONLY)", strings.ReplaceAll(from, "'", "''"))
	if _, err := conn.ExecContext(ctx, attach); err != nil {
		rep.Unreadable = err.Error()
		return nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DETACH damaged") //nolint:errcheck // read-only
	for _, t := range salvage {
		n, err := copyTable(ctx, conn, t.table, t.seq)
		if err != nil {
			rep.Lost[t.table] = err.Error()
			continue
		}
		rep.Copied[t.table] = n
	}
	return nil
}

// copyTable replaces table's rows by the damaged file's and moves the
// table's id sequence past the highest id copied.
func copyTable(ctx context.Context, conn *sql.Conn, table, seq string) (int64, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO "+table+" BY NAME SELECT * FROM damaged.main."+table)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if seq != "" {
		var last int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM "+table).Scan(&last); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE SEQUENCE %s START %d", seq, last+1)); err != nil {
			return 0, err
		}
	}
	return n, tx.Commit()
}
