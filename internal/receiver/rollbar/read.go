package rollbar

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/query/rollbarsearch"
	"lookout/internal/receiver/rollbar/wire"
	"lookout/internal/store"
)

// Page sizes of the read API.
const (
	itemsPerPage     = 100
	instancesPerPage = 20
)

// projectHandler serves a request already authorised for project.
type projectHandler func(w http.ResponseWriter, req *http.Request, project string) *apiError

// read requires the read scope; write the write scope.
func (r *Receiver) read(h projectHandler) http.HandlerFunc {
	return r.scoped(h, errortrack.ScopeRead)
}

func (r *Receiver) write(h projectHandler) http.HandlerFunc {
	return r.scoped(h, errortrack.ScopeWrite)
}

func (r *Receiver) scoped(h projectHandler, scope string) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		project, aerr := r.authorize(req, headerOrQueryToken(req), scope)
		if aerr == nil {
			aerr = h(w, req, project)
		}
		if aerr != nil {
			writeError(w, aerr)
		}
	}
}

// byID serves a route whose path names an object by a positive integer
// (the path parameter param): it parses the id (404 when it is not one),
// fetches the object of the request's project, maps a failure once
// (replyError) and answers with reply.
func byID[T any](param string, fetch func(req *http.Request, project string, id int64) (T, error),
	reply func(w http.ResponseWriter, req *http.Request, project string, v T) *apiError) projectHandler {
	return func(w http.ResponseWriter, req *http.Request, project string) *apiError {
		id, aerr := wire.ID(req, param)
		if aerr != nil {
			return aerr
		}
		v, err := fetch(req, project, id)
		if err != nil {
			return replyError(err)
		}
		return reply(w, req, project, v)
	}
}

// lookup adapts a store lookup to byID.
func lookup[T any](get func(ctx context.Context, project string, id int64) (T, error)) func(*http.Request, string, int64) (T, error) {
	return func(req *http.Request, project string, id int64) (T, error) { return get(req.Context(), project, id) }
}

// replyError maps a failure: an *apiError stays as it is, an invalid item
// edit is 422, store.ErrNotFound 404, anything else 500.
func replyError(err error) *apiError {
	var ae *apiError
	var inv *errortrack.InvalidPatchError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &inv):
		return fail(http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, store.ErrNotFound):
		return fail(http.StatusNotFound, err.Error())
	}
	return fail(http.StatusInternalServerError, err.Error())
}

func (r *Receiver) listItems(w http.ResponseWriter, req *http.Request, project string) *apiError {
	q := req.URL.Query()
	iq := store.ItemQuery{Project: project, Environments: wire.Multi(q, "environment"), Limit: itemsPerPage}
	page, aerr := wire.Page(q)
	if aerr != nil {
		return aerr
	}
	iq.Offset = (page - 1) * itemsPerPage
	for _, s := range wire.Multi(q, "status") {
		st, err := model.ParseItemStatus(s)
		if err != nil {
			return fail(http.StatusUnprocessableEntity, err.Error())
		}
		iq.Statuses = append(iq.Statuses, st)
	}
	for _, s := range wire.Multi(q, "level") {
		l, err := model.ParseLevel(s)
		if err != nil {
			return fail(http.StatusUnprocessableEntity, err.Error())
		}
		iq.Levels = append(iq.Levels, l)
	}
	for _, s := range wire.Multi(q, "ids") {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fail(http.StatusUnprocessableEntity, fmt.Sprintf("ids: %q is not an item id", s))
		}
		iq.IDs = append(iq.IDs, id)
	}
	search, err := rollbarsearch.Parse(q.Get("q"))
	if err != nil {
		return fail(http.StatusUnprocessableEntity, err.Error())
	}
	res := store.ItemPage{LevelCounts: map[model.Level]int64{}}
	if search.Narrow(&iq) { // else no item can match
		if res, err = r.items.Items(req.Context(), iq); err != nil {
			return replyError(err)
		}
	}
	items, aerr := r.itemsJSON(req, project, res.Items...)
	if aerr != nil {
		return aerr
	}
	counts, hidden := map[string]int64{}, map[string]int64{}
	for _, l := range model.Levels {
		counts[l.String()] = res.LevelCounts[l]
		if len(iq.Levels) > 0 && !containsLevel(iq.Levels, l) && res.LevelCounts[l] > 0 {
			hidden[l.String()] = res.LevelCounts[l]
		}
	}
	writeResult(w, http.StatusOK, map[string]any{
		"page": page, "total_count": res.Total, "items": items,
		"level_counts": counts, "hidden_by_level_filter": hidden,
	})
	return nil
}

// deployLinker finds the deploy each item's last activation came after;
// store.DeployStore implements it.
type deployLinker interface {
	ActivatingDeploys(ctx context.Context, project string, ids []int64) (map[int64]model.Deploy, error)
}

// itemsJSON renders items with their recent counts, as of the receiver's
// clock, and the deploy each one's last activation came after.
func (r *Receiver) itemsJSON(req *http.Request, project string, items ...model.Item) ([]itemJSON, *apiError) {
	out := make([]itemJSON, len(items))
	ids := make([]int64, len(items))
	for i, it := range items {
		out[i], ids[i] = toItemJSON(it), it.ID
	}
	now := r.now()
	since := make([]time.Time, len(recentWindows))
	for k, d := range recentWindows {
		since[k] = now.Add(-d)
	}
	counts, err := r.items.RecentCounts(req.Context(), project, ids, since)
	if err != nil {
		return nil, replyError(err)
	}
	for i := range out {
		out[i].fillRecent(counts[out[i].ID])
	}
	if r.links != nil {
		deploys, err := r.links.ActivatingDeploys(req.Context(), project, ids)
		if err != nil {
			return nil, replyError(err)
		}
		for i := range out {
			if d, ok := deploys[out[i].ID]; ok {
				wd := wire.ToDeploy(d)
				out[i].ActivatingDeploy = &wd
			}
		}
	}
	return out, nil
}

func (r *Receiver) projectID(req *http.Request, project string) int64 {
	p, err := r.store.Project(req.Context(), project)
	if err != nil {
		return 0
	}
	return p.ID
}

func containsLevel(ls []model.Level, l model.Level) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}
