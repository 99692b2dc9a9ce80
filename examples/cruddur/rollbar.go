package cruddur

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/rollbar/rollbar-go"
)

// reporter sends errors and messages to Rollbar with rollbar-go's
// asynchronous client, each with the request, the signed-in person and
// the trace id (custom.trace_id; the request's X-Amzn-Trace-Id header
// carries it too).
type reporter struct {
	client *rollbar.Client
}

func newReporter(c Config, log *slog.Logger) *reporter {
	rb := rollbar.NewAsync(c.RollbarToken, c.Environment, c.Version, "", "")
	rb.SetEndpoint(c.RollbarEndpoint)
	rb.SetLogger(rollbarLogger{log})
	return &reporter{client: rb}
}

// requestError reports err, raised while serving r for u.
func (rp *reporter) requestError(ctx context.Context, r *http.Request, u *user, err error) {
	rp.client.RequestErrorWithExtrasAndContext(personContext(ctx, u), rollbar.ERR, r, err, traceExtras(ctx))
}

// message reports a message at level (rollbar.WARN, …) for r.
func (rp *reporter) message(ctx context.Context, level string, r *http.Request, u *user, msg string) {
	rp.client.RequestMessageWithExtrasAndContext(personContext(ctx, u), level, r, msg, traceExtras(ctx))
}

// close sends what is queued.
func (rp *reporter) close() error { return rp.client.Close() }

func personContext(ctx context.Context, u *user) context.Context {
	if u == nil {
		return ctx
	}
	return rollbar.NewPersonContext(ctx, &rollbar.Person{Id: u.UUID, Username: u.Handle, Email: u.Email})
}

func traceExtras(ctx context.Context) map[string]any {
	hex, xid := traceIDsOf(ctx)
	if hex == "" {
		return nil
	}
	return map[string]any{"trace_id": hex, "xray_trace_id": xid}
}

// rollbarLogger hands rollbar-go's own complaints (a report it could not
// send) to slog.
type rollbarLogger struct{ log *slog.Logger }

func (l rollbarLogger) Printf(format string, args ...any) {
	l.log.Warn("rollbar: " + fmt.Sprintf(format, args...))
}
