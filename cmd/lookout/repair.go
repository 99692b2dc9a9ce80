package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"lookout/internal/backend"
	"lookout/internal/store"
	"lookout/internal/store/metaduck"
)

// runRepair is `lookout repair`: on the data directory of a stopped
// lookout, it sets aside the telemetry partitions that cannot be read (as
// serve does by itself) and a damaged metadata store, which it replaces by
// a new one holding every table that could still be read.
func runRepair(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseConfig("repair", args, stderr)
	if err != nil {
		return err
	}
	dataDir := c.server.DataDir
	busy := fmt.Sprintf("(is lookout still running on %s? stop it first)", dataDir)
	bc := c.server.Stores
	bc.DataDir, bc.Logger = dataDir, slog.New(slog.DiscardHandler)
	if !bc.UsesDataDir() {
		fmt.Fprintln(stdout, "no store keeps its files in the data directory: nothing to repair")
		return nil
	}

	if bc.StoreInDataDir() {
		st, err := backend.OpenTelemetry(ctx, bc)
		if err != nil {
			return fmt.Errorf("repair telemetry store: %w %s", err, busy)
		}
		var damaged []store.DamagedFile
		if d, ok := st.(store.DamageReporter); ok {
			damaged = d.DamagedFiles()
		}
		if err := st.Close(); err != nil {
			return fmt.Errorf("repair telemetry store: %w", err)
		}
		for _, d := range damaged {
			fmt.Fprintf(stdout, "telemetry partition %s was damaged (%s)\n  kept as %s; its day starts again empty\n", d.Path, d.Reason, d.MovedTo)
		}
		if len(damaged) == 0 {
			fmt.Fprintln(stdout, "telemetry partitions: all readable")
		}
	}
	if !bc.MetaInDataDir() {
		return nil
	}

	rep, err := metaduck.Repair(ctx, metaduck.Config{Path: filepath.Join(dataDir, "meta.duckdb")})
	if err != nil {
		return fmt.Errorf("repair metadata store: %w %s", err, busy)
	}
	if !rep.Damaged {
		fmt.Fprintln(stdout, "metadata store: readable, left as it is")
		return nil
	}
	fmt.Fprintf(stdout, "metadata store %s was damaged (%s)\n  kept as %s; a new one was created\n", rep.Path, rep.Reason, rep.MovedTo)
	if rep.Unreadable != "" {
		fmt.Fprintf(stdout, "  nothing could be read from the damaged file: %s\n", rep.Unreadable)
	}
	for _, t := range slices.Sorted(maps.Keys(rep.Copied)) {
		fmt.Fprintf(stdout, "  copied %-16s %d rows\n", t, rep.Copied[t])
	}
	var lost []string
	for t, why := range rep.Lost {
		lost = append(lost, fmt.Sprintf("  lost   %-16s %s", t, why))
	}
	slices.Sort(lost)
	if len(lost) > 0 {
		fmt.Fprintln(stdout, strings.Join(lost, "\n"))
	}
	return nil
}
