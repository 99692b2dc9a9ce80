package rollbar

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/wire"
)

// The read API's routes that name one object, each a fetch and a reply
// for byID.

// getItem serves GET /api/1/item/{id}.
func (r *Receiver) getItem() projectHandler {
	return byID("id", lookup(r.items.Item), r.replyItem)
}

// patchItem serves PATCH /api/1/item/{id}: {"status","level","title",
// "resolved_in_version"}, answered with the item as stored.
func (r *Receiver) patchItem() projectHandler {
	return byID("id", r.applyPatch, r.replyItem)
}

// itemByCounter serves GET /api/1/item_by_counter/{counter}: 301 to the
// item's URL, as Rollbar does.
func (r *Receiver) itemByCounter() projectHandler {
	return byID("counter", lookup(r.items.ItemByCounter), redirectToItem)
}

// listInstances serves GET /api/1/item/{id}/instances.
func (r *Receiver) listInstances() projectHandler {
	return byID("id", r.instancesPage, r.replyInstances)
}

// getInstance serves GET /api/1/instance/{id}.
func (r *Receiver) getInstance() projectHandler {
	return byID("id", lookup(r.items.Occurrence), r.replyInstance)
}

func (r *Receiver) replyItem(w http.ResponseWriter, req *http.Request, project string, it model.Item) *apiError {
	out, aerr := r.itemsJSON(req, project, it)
	if aerr != nil {
		return aerr
	}
	writeResult(w, http.StatusOK, out[0])
	return nil
}

func (r *Receiver) applyPatch(req *http.Request, project string, id int64) (model.Item, error) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 64<<10))
	if err != nil {
		return model.Item{}, fail(http.StatusBadRequest, "reading request body: "+err.Error())
	}
	var p errortrack.Patch
	if err := json.Unmarshal(body, &p); err != nil {
		return model.Item{}, fail(http.StatusUnprocessableEntity, "invalid JSON: "+describe(err, ""))
	}
	return r.edit.PatchItem(req.Context(), project, id, p)
}

func redirectToItem(w http.ResponseWriter, req *http.Request, _ string, it model.Item) *apiError {
	path := "/api/1/item/" + strconv.FormatInt(it.ID, 10)
	uri := path
	if t := req.URL.Query().Get("access_token"); t != "" {
		uri += "?access_token=" + url.QueryEscape(t)
	}
	w.Header().Set("Location", uri)
	writeResult(w, http.StatusMovedPermanently, map[string]any{"itemId": it.ID, "path": path, "uri": uri})
	return nil
}

// instancePage is one page of an item's occurrences, newest first.
type instancePage struct {
	page int
	occs []model.ErrorOccurrence
}

func (r *Receiver) instancesPage(req *http.Request, project string, id int64) (instancePage, error) {
	page, aerr := wire.Page(req.URL.Query())
	if aerr != nil {
		return instancePage{}, aerr
	}
	if _, err := r.items.Item(req.Context(), project, id); err != nil {
		return instancePage{}, err
	}
	occs, err := r.items.Occurrences(req.Context(), project, id, (page-1)*instancesPerPage, instancesPerPage)
	if err != nil {
		return instancePage{}, err
	}
	return instancePage{page: page, occs: occs}, nil
}

func (r *Receiver) replyInstances(w http.ResponseWriter, req *http.Request, project string, p instancePage) *apiError {
	out := make([]wire.Instance, len(p.occs))
	for i, o := range p.occs {
		out[i] = wire.ToInstance(o, r.projectID(req, project))
	}
	writeResult(w, http.StatusOK, map[string]any{"page": p.page, "instances": out})
	return nil
}

func (r *Receiver) replyInstance(w http.ResponseWriter, req *http.Request, project string, o model.ErrorOccurrence) *apiError {
	writeResult(w, http.StatusOK, wire.ToInstance(o, r.projectID(req, project)))
	return nil
}
