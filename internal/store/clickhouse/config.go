package clickhouse

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// Config configures the ClickHouse telemetry store.
type Config struct {
	// URL names the server and database over the native protocol:
	// clickhouse://[user[:password]@]host:port[,host:port...]/database[?settings].
	// The database is created when missing.
	URL string
	// MaxConns caps the open connections of the pool (reads and writes).
	MaxConns int
	// DialTimeout bounds the opening of one connection.
	DialTimeout time.Duration
	// QueryBudget is the time a Query, Columns, BubbleUp or FindTraces may
	// take when its context has no deadline of its own.
	QueryBudget time.Duration
	// MutationTimeout bounds the wait for a DELETE mutation (the expiry of
	// CloudWatch log events) to finish on the server.
	MutationTimeout time.Duration
}

// DefaultConfig returns a configuration for a node of a small cluster: 16
// connections, a 10 second dial timeout, a 30 second query budget and
// 5 minutes for a deletion. URL must still be set.
func DefaultConfig() Config {
	return Config{MaxConns: 16, DialTimeout: 10 * time.Second, QueryBudget: 30 * time.Second, MutationTimeout: 5 * time.Minute}
}

// databaseRE is what a database name may be: it is spliced into DDL.
var databaseRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.URL == "" {
		return errors.New("clickhouse config: url is empty")
	}
	opts, err := ch.ParseDSN(c.URL)
	if err != nil {
		return fmt.Errorf("clickhouse config: url: %w", err)
	}
	if opts.Protocol != ch.Native {
		return fmt.Errorf("clickhouse config: url %q: want the native protocol (clickhouse://host:9000/db)", redact(c.URL))
	}
	if !databaseRE.MatchString(opts.Auth.Database) {
		return fmt.Errorf("clickhouse config: url %q: database %q: want letters, digits and underscores", redact(c.URL), opts.Auth.Database)
	}
	switch {
	case c.MaxConns < 1:
		return fmt.Errorf("clickhouse config: max conns %d: must be at least 1", c.MaxConns)
	case c.DialTimeout <= 0:
		return fmt.Errorf("clickhouse config: dial timeout %s: must be positive", c.DialTimeout)
	case c.QueryBudget <= 0:
		return fmt.Errorf("clickhouse config: query budget %s: must be positive", c.QueryBudget)
	case c.MutationTimeout <= 0:
		return fmt.Errorf("clickhouse config: mutation timeout %s: must be positive", c.MutationTimeout)
	}
	return nil
}

// options returns the client options of the URL with the pool settings
// applied, for database db.
func (c Config) options(db string) (*ch.Options, error) {
	opts, err := ch.ParseDSN(c.URL)
	if err != nil {
		return nil, fmt.Errorf("clickhouse config: url: %w", err)
	}
	opts.Auth.Database = db
	opts.MaxOpenConns, opts.MaxIdleConns = c.MaxConns, c.MaxConns
	opts.DialTimeout = c.DialTimeout
	return opts, nil
}

// database is the database the URL names.
func (c Config) database() string {
	opts, err := ch.ParseDSN(c.URL)
	if err != nil {
		return ""
	}
	return opts.Auth.Database
}

var passwordRE = regexp.MustCompile(`(//[^:/@]*:)[^@/]*@`)

// redact hides the password of a URL in messages.
func redact(url string) string { return passwordRE.ReplaceAllString(url, "${1}***@") }
