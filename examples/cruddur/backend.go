package cruddur

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-xray-sdk-go/xray"
	"github.com/rollbar/rollbar-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// backend is Cruddur's API.
type backend struct {
	*service
	tracer      trace.Tracer
	profiles    *http.Client // X-Ray subsegment + OTel CLIENT span per call
	profilesURL string
	slow        time.Duration
}

// errNotificationsTable is what the notifications route fails with, every
// time: the migration that creates its table was never run.
var errNotificationsTable = errors.New(`pq: relation "notifications" does not exist`)

func (b *backend) routes() *http.ServeMux {
	mux := http.NewServeMux()
	b.handle(mux, "GET /api/health-check", b.healthCheck, otelUntraced)
	b.handle(mux, "GET /api/activities/home", b.home)
	b.handle(mux, "GET /api/activities/notifications", b.notifications)
	b.handle(mux, "GET /api/activities/search", b.search)
	b.handle(mux, "GET /api/activities/{handle}", b.userActivities)
	b.handle(mux, "POST /api/activities", b.createActivity)
	b.handle(mux, "GET /api/message_groups", b.messageGroups)
	b.handle(mux, "GET /rollbar/test", b.rollbarTest)
	return mux
}

func (b *backend) healthCheck(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "ver": 1})
	return nil
}

// home is the home feed, with the custom span of Honeycomb's Cruddur
// instructions.
func (b *backend) home(w http.ResponseWriter, r *http.Request) error {
	_, span := b.tracer.Start(r.Context(), "home-activities-mock-data")
	defer span.End()
	now := time.Now().UTC()
	results := homeActivities(now)
	span.SetAttributes(attribute.String("app.now", now.Format(time.RFC3339Nano)),
		attribute.Int("app.result_length", len(results)))
	writeJSON(w, http.StatusOK, results)
	return nil
}

// userActivities is GET /api/activities/@handle: the profile from the
// profiles service, then the posts, in an X-Ray subsegment with
// annotations (searchable) and metadata (not), as in AWS's Cruddur
// instructions.
func (b *backend) userActivities(w http.ResponseWriter, r *http.Request) error {
	handle, ok := strings.CutPrefix(r.PathValue("handle"), "@")
	if !ok || handle == "" {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"not_found"}})
		return nil
	}
	u, err := b.profile(r, handle)
	if err != nil {
		return err
	}
	if u == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"user_not_found"}})
		return nil
	}
	_, seg := xray.BeginSubsegment(r.Context(), "mock-data")
	now := time.Now().UTC()
	items := userActivities(u, now)
	_ = seg.AddAnnotation("user_handle", handle)
	_ = seg.AddAnnotation("results_size", len(items))
	_ = seg.AddMetadataToNamespace("cruddur", "user_activities", map[string]any{
		"now": now.Format(time.RFC3339), "results-size": len(items)})
	seg.Close(nil)
	writeJSON(w, http.StatusOK, map[string]any{"profile": u, "items": items})
	return nil
}

// profile asks the profiles service for a user; nil when it has none.
func (b *backend) profile(r *http.Request, handle string) (*user, error) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, b.profilesURL+"/profiles/"+url.PathEscape(handle), nil)
	if err != nil {
		return nil, err
	}
	resp, err := b.profiles.Do(req)
	if err != nil {
		return nil, fmt.Errorf("profiles service: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case err != nil:
		return nil, fmt.Errorf("profiles service: %w", err)
	case resp.StatusCode == http.StatusNotFound:
		return nil, nil
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("profiles service answered %s", resp.Status)
	}
	var u user
	if err := json.Unmarshal(body, &u); err != nil {
		return nil, fmt.Errorf("profiles service: %w", err)
	}
	return &u, nil
}

func (b *backend) createActivity(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Message string `json:"message"`
		TTL     string `json:"ttl"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []string{"invalid_json"}})
		return nil
	}
	u := currentUser(r)
	a, errs := newActivity(u, in.Message, in.TTL, time.Now().UTC())
	if errs != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": errs})
		return nil
	}
	b.log.InfoContext(r.Context(), "activity created", "uuid", a.UUID, "user", u.Handle)
	writeJSON(w, http.StatusOK, a)
	return nil
}

// messageGroups is the signed-in user's inbox.
func (b *backend) messageGroups(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []string{"unauthenticated"}})
		return nil
	}
	writeJSON(w, http.StatusOK, messageGroups(u, time.Now().UTC()))
	return nil
}

// notifications fails: its table does not exist.
func (b *backend) notifications(_ http.ResponseWriter, r *http.Request) error {
	_, span := b.tracer.Start(r.Context(), "SELECT notifications", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", "postgresql"),
			attribute.String("db.query.text", "SELECT * FROM notifications WHERE user_uuid = $1")))
	defer span.End()
	span.RecordError(errNotificationsTable)
	span.SetStatus(codes.Error, errNotificationsTable.Error())
	return fmt.Errorf("load notifications: %w", errNotificationsTable)
}

// search is slow: its index is scanned, not queried.
func (b *backend) search(w http.ResponseWriter, r *http.Request) error {
	ctx, span := b.tracer.Start(r.Context(), "search-index-scan")
	defer span.End()
	term := strings.ToLower(r.URL.Query().Get("term"))
	if err := sleep(ctx, b.slow); err != nil {
		return fmt.Errorf("search %q: %w", term, err)
	}
	var hits []activity
	for _, a := range homeActivities(time.Now().UTC()) {
		if strings.Contains(strings.ToLower(a.Message), term) {
			hits = append(hits, a)
		}
	}
	span.SetAttributes(attribute.String("app.search.term", term), attribute.Int("app.result_length", len(hits)))
	writeJSON(w, http.StatusOK, hits)
	return nil
}

// rollbarTest sends Rollbar's "Hello World!" test message at WARNING.
func (b *backend) rollbarTest(w http.ResponseWriter, r *http.Request) error {
	b.rb.message(r.Context(), rollbar.WARN, r, currentUser(r), "Hello World!")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := io.WriteString(w, "Hello World!\n")
	return err
}
