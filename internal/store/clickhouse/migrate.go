package clickhouse

import (
	"context"
	"embed"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The schema is built by numbered migrations, migrations/NNNN_name.sql,
// applied in order by Open. Table schema_migrations records the versions
// applied. Nodes may start together: every statement of a migration must
// be idempotent (IF NOT EXISTS), so that two nodes applying the same
// migration at once both succeed; the table may then list a version twice.

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version uint32
	name    string
	stmts   []string
}

var migrationNameRE = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

const migrationsDDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    UInt32,
	name       String,
	applied_ns Int64
) ENGINE = MergeTree() ORDER BY version`

// loadMigrations reads the embedded migrations, ordered by version.
func loadMigrations() ([]migration, error) {
	ents, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var ms []migration
	for _, e := range ents {
		m := migrationNameRE.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %q: want NNNN_name.sql", e.Name())
		}
		v, _ := strconv.ParseUint(m[1], 10, 32)
		data, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("migration %q: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: uint32(v), name: m[2], stmts: splitStatements(string(data))})
	}
	slices.SortFunc(ms, func(a, b migration) int { return int(a.version) - int(b.version) })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %q and %q share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// splitStatements splits a migration into statements: they end with a
// semicolon at the end of a line; lines starting with -- are comments.
func splitStatements(sql string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")); s != "" {
				stmts = append(stmts, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}

// migrate applies the migrations newer than the database's version and
// returns the version it is at and the migrations it applied
// ("0002_metrics").
func migrate(ctx context.Context, conn driver.Conn) (uint32, []string, error) {
	ms, err := loadMigrations()
	if err != nil {
		return 0, nil, err
	}
	if err := conn.Exec(ctx, migrationsDDL); err != nil {
		return 0, nil, fmt.Errorf("migrations table: %w", err)
	}
	var cur uint32
	if err := conn.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&cur); err != nil {
		return 0, nil, fmt.Errorf("schema version: %w", err)
	}
	var applied []string
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		for i, stmt := range m.stmts {
			if err := conn.Exec(ctx, stmt); err != nil {
				return cur, applied, fmt.Errorf("migration %04d_%s statement %d: %w", m.version, m.name, i+1, err)
			}
		}
		if err := record(ctx, conn, m); err != nil {
			return cur, applied, fmt.Errorf("migration %04d_%s: record: %w", m.version, m.name, err)
		}
		cur = m.version
		applied = append(applied, fmt.Sprintf("%04d_%s", m.version, m.name))
	}
	return cur, applied, nil
}

// record adds the migration to schema_migrations. (An INSERT with inline
// VALUES through Exec waits forever on old servers, which expect the rows
// as a data block: hence a batch.)
func record(ctx context.Context, conn driver.Conn, m migration) error {
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, applied_ns)")
	if err != nil {
		return err
	}
	defer batch.Close()
	if err := batch.Append(m.version, m.name, time.Now().UnixNano()); err != nil {
		return err
	}
	return batch.Send()
}
