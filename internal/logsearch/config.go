package logsearch

import (
	"errors"
	"log/slog"
	"time"
)

// Config configures a Service.
type Config struct {
	// ScanEvents bounds the events one Filter call reads before it answers
	// with what matched so far and a position to resume after, as the
	// CloudWatch Logs service does when a search takes long. Default 500,000.
	ScanEvents int
	// WindowBudget is how long a search read in time windows (see Filter)
	// goes on before it answers with what it found and the end of the last
	// window read. A call always reads at least one window, so 0 means one
	// window per call. Default 2 s.
	WindowBudget time.Duration
	// Account is the account id Logs Insights shows in @log
	// ("<account>:<group>"). Default "000000000000".
	Account string
	// Queries bounds the Logs Insights queries of the service.
	Queries QueryLimits

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// QueryLimits bound the Logs Insights queries of one Service.
type QueryLimits struct {
	Running   int           // queries evaluated at once; the others wait Scheduled
	Active    int           // Scheduled + Running at most; StartQuery refuses more
	Kept      int           // queries remembered (finished ones forgotten oldest first)
	KeepFor   time.Duration // a finished query's results stay this long
	Budget    time.Duration // a query running longer ends with status Timeout
	ChunkRows int           // events read per store query
}

// DefaultConfig reads at most 500,000 events per search and runs two
// Insights queries at once, thirty active, each within five minutes.
func DefaultConfig() Config {
	return Config{
		ScanEvents:   500_000,
		WindowBudget: 2 * time.Second,
		Account:      "000000000000",
		Queries: QueryLimits{Running: 2, Active: 30, Kept: 200, KeepFor: 15 * time.Minute,
			Budget: 5 * time.Minute, ChunkRows: 10_000},
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	q := c.Queries
	switch {
	case c.ScanEvents <= 0:
		return errors.New("logsearch: ScanEvents must be positive")
	case c.WindowBudget < 0:
		return errors.New("logsearch: WindowBudget must not be negative")
	case c.Account == "":
		return errors.New("logsearch: Account must be set")
	case q.Running <= 0 || q.Active < q.Running:
		return errors.New("logsearch: Queries.Running must be positive and at most Queries.Active")
	case q.Kept <= 0 || q.KeepFor <= 0 || q.Budget <= 0:
		return errors.New("logsearch: Queries.Kept, Queries.KeepFor and Queries.Budget must be positive")
	case q.ChunkRows <= 0:
		return errors.New("logsearch: Queries.ChunkRows must be positive")
	}
	return nil
}
