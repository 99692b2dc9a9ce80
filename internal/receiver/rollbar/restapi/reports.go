package restapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/wire"
	"lookout/internal/store"
)

// topItems is how many items the top active items report lists (Rollbar's
// dashboard: "Top 10 Active Items").
const topItems = 10

// topActiveItems serves GET /api/1/reports/top_active_items?hours=24
// &environments=a,b: the items with the most occurrences in the last
// hours, each with its counts hour by hour (oldest first).
func (a *API) topActiveItems(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	q := req.URL.Query()
	hours := 24
	if s := q.Get("hours"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return wire.Fail(http.StatusUnprocessableEntity, fmt.Sprintf("hours: %q is not a number", s))
		}
		hours = n
	}
	start, err := errortrack.TopWindow(hours, a.now())
	if err != nil {
		return wire.Fail(http.StatusUnprocessableEntity, err.Error())
	}
	cq := store.CountQuery{Project: project, Environments: environments(q), Start: start, Bucket: time.Hour, Buckets: hours}
	top, err := a.st.TopItems(req.Context(), cq, topItems)
	if err != nil {
		return replyError(err)
	}
	ids := make([]int64, len(top))
	for i, t := range top {
		ids[i] = t.ItemID
	}
	items := map[int64]model.Item{}
	if len(ids) > 0 {
		page, err := a.st.Items(req.Context(), store.ItemQuery{Project: project, IDs: ids, Limit: len(ids)})
		if err != nil {
			return replyError(err)
		}
		for _, it := range page.Items {
			items[it.ID] = it
		}
	}
	out := []map[string]any{}
	for _, t := range top {
		it, ok := items[t.ItemID]
		if !ok {
			continue // deleted since it was counted
		}
		cq.ItemIDs = []int64{t.ItemID}
		counts, err := a.st.OccurrenceCounts(req.Context(), cq)
		if err != nil {
			return replyError(err)
		}
		out = append(out, map[string]any{"item": map[string]any{
			"id": it.ID, "project_id": it.ProjectID, "counter": it.Counter, "environment": it.Environment,
			"framework": it.Framework, "platform": it.Platform, "title": it.Title, "level": it.Level.String(),
			"status": string(it.Status), "last_occurrence_timestamp": wire.Unix(it.LastSeen),
			"occurrences": t.Count, "unique_occurrences": nil,
		}, "counts": counts})
	}
	wire.WriteResult(w, http.StatusOK, out)
	return nil
}

// occurrenceCounts serves GET /api/1/reports/occurrence_counts
// ?bucket_size=86400&environments=&min_level=error&max_level=&item_id=.
func (a *API) occurrenceCounts(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	return a.bucketReport(w, req, project, a.st.OccurrenceCounts)
}

// activatedCounts serves GET /api/1/reports/activated_counts with the
// same parameters but item_id: items by the bucket of their last
// activation (new or reactivated).
func (a *API) activatedCounts(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	return a.bucketReport(w, req, project, a.st.ActivatedCounts)
}

// bucketReport reads the parameters of a bucketed report, counts with
// count and answers [[bucket start, count], ...], oldest first.
func (a *API) bucketReport(w http.ResponseWriter, req *http.Request, project string,
	count func(context.Context, store.CountQuery) ([]int64, error)) *wire.Error {
	q := req.URL.Query()
	bucket := int64(86400)
	if s := q.Get("bucket_size"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return wire.Fail(http.StatusUnprocessableEntity, fmt.Sprintf("bucket_size: %q is not a number of seconds", s))
		}
		bucket = n
	}
	width := time.Duration(bucket) * time.Second
	start, n, err := errortrack.ReportWindow(width, a.now())
	if err != nil {
		return wire.Fail(http.StatusUnprocessableEntity, err.Error())
	}
	cq := store.CountQuery{Project: project, Environments: environments(q), MinLevel: model.LevelError,
		Start: start, Bucket: width, Buckets: n}
	for _, l := range []struct {
		name string
		to   *model.Level
	}{{"min_level", &cq.MinLevel}, {"max_level", &cq.MaxLevel}} {
		if s := q.Get(l.name); s != "" {
			lv, err := model.ParseLevel(s)
			if err != nil {
				return wire.Fail(http.StatusUnprocessableEntity, l.name+": "+err.Error())
			}
			*l.to = lv
		}
	}
	if s := q.Get("item_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return wire.Fail(http.StatusUnprocessableEntity, fmt.Sprintf("item_id: %q is not an item id", s))
		}
		cq.ItemIDs = []int64{id}
	}
	counts, err := count(req.Context(), cq)
	if err != nil {
		return replyError(err)
	}
	out := make([][2]int64, n)
	for k, c := range counts {
		out[k] = [2]int64{start.Add(time.Duration(k) * width).Unix(), c}
	}
	wire.WriteResult(w, http.StatusOK, out)
	return nil
}

// environments reads the comma-separated environments (or environment)
// parameter.
func environments(q url.Values) []string {
	return append(wire.Multi(q, "environments"), wire.Multi(q, "environment")...)
}
