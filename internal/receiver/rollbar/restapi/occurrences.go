package restapi

import (
	"net/http"

	"lookout/internal/receiver/rollbar/wire"
)

// environments serves GET /api/1/environments: the environments the
// project's items have seen and its deploys went to, sorted.
func (a *API) environments(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	envs, err := a.st.Environments(req.Context(), project)
	if err != nil {
		return replyError(err)
	}
	pid := a.projectID(req.Context(), project)
	out := make([]map[string]any, len(envs))
	for i, e := range envs {
		out[i] = map[string]any{"project_id": pid, "environment": e}
	}
	wire.WriteResult(w, http.StatusOK, map[string]any{"environments": out})
	return nil
}

// instances serves GET /api/1/instances?page=N: every occurrence of the
// project, newest first.
func (a *API) instances(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	page, werr := wire.Page(req.URL.Query())
	if werr != nil {
		return werr
	}
	occs, err := a.st.Occurrences(req.Context(), project, 0, (page-1)*instancesPerPage, instancesPerPage)
	if err != nil {
		return replyError(err)
	}
	pid := a.projectID(req.Context(), project)
	out := make([]wire.Instance, len(occs))
	for i, o := range occs {
		out[i] = wire.ToInstance(o, pid)
	}
	wire.WriteResult(w, http.StatusOK, map[string]any{"page": page, "instances": out})
	return nil
}

// deleteInstance serves DELETE /api/1/instance/{id}: the occurrence is
// gone once the reply is sent; its item keeps its counts.
func (a *API) deleteInstance(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	id, werr := wire.ID(req, "id")
	if werr != nil {
		return werr
	}
	if err := a.st.DeleteOccurrence(req.Context(), project, id); err != nil {
		return replyError(err)
	}
	wire.WriteJSON(w, http.StatusOK, map[string]any{"err": 0})
	return nil
}
