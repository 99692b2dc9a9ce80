package restapi

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/wire"
)

// Page sizes and body limit.
const (
	deploysPerPage   = 20
	instancesPerPage = 20
	maxBody          = 1 << 20
)

// deployFields are the fields a deploy request may carry, with the other
// names deploy tools send for them (Rollbar's own curl example writes
// rollbar_name, Ansible's module rollbar_user).
var deployFields = map[string]string{
	"access_token": "access_token", "environment": "environment", "revision": "revision",
	"rollbar_username": "rollbar_username", "rollbar_name": "rollbar_username", "rollbar_user": "rollbar_username",
	"local_username": "local_username", "comment": "comment", "status": "status",
	"start_time": "start_time", "finish_time": "finish_time",
}

// deployBody reads a deploy request's fields: a JSON object, or a form
// (urlencoded or multipart, as `curl -F` sends), by their canonical names.
func deployBody(w http.ResponseWriter, req *http.Request) (map[string]string, *wire.Error) {
	req.Body = http.MaxBytesReader(w, req.Body, maxBody)
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if ct == "application/json" {
		var raw map[string]json.RawMessage
		if err := json.NewDecoder(req.Body).Decode(&raw); err != nil {
			return nil, wire.Fail(http.StatusBadRequest, "invalid JSON: "+err.Error())
		}
		for k, v := range raw {
			name, ok := deployFields[k]
			if !ok || string(v) == "null" {
				continue
			}
			var s string
			if err := json.Unmarshal(v, &s); err == nil {
				out[name] = s
				continue
			}
			var n json.Number
			if err := json.Unmarshal(v, &n); err != nil {
				return nil, wire.Fail(http.StatusUnprocessableEntity, fmt.Sprintf("%s: want a string or a number", k))
			}
			out[name] = n.String()
		}
		return out, nil
	}
	err := req.ParseMultipartForm(maxBody)
	if err == http.ErrNotMultipart {
		err = req.ParseForm()
	}
	if err != nil {
		return nil, wire.Fail(http.StatusBadRequest, "reading the form: "+err.Error())
	}
	for k, vs := range req.PostForm {
		if name, ok := deployFields[k]; ok && len(vs) > 0 {
			out[name] = vs[0]
		}
	}
	return out, nil
}

// seconds reads an optional Unix-seconds field.
func seconds(f map[string]string, name string) (int64, *wire.Error) {
	s := strings.TrimSpace(f[name])
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, wire.Fail(http.StatusUnprocessableEntity, fmt.Sprintf("%s: %q is not Unix seconds", name, s))
	}
	return n, nil
}

// postDeploy serves POST /api/1/deploy: {"err":0,"data":{"deploy_id":N}}
// (what Rollbar answers and its GitHub deploy action reads), once the
// deploy is durable.
func (a *API) postDeploy(w http.ResponseWriter, req *http.Request) {
	if err := a.createDeploy(w, req); err != nil {
		wire.WriteError(w, err)
	}
}

func (a *API) createDeploy(w http.ResponseWriter, req *http.Request) *wire.Error {
	f, werr := deployBody(w, req)
	if werr != nil {
		return werr
	}
	project, werr := a.auth.Authorize(req, token(req, f["access_token"]),
		errortrack.ScopePostServerItem, errortrack.ScopePostClientItem)
	if werr != nil {
		return werr
	}
	in := errortrack.DeployInput{Environment: f["environment"], Revision: f["revision"], RollbarUsername: f["rollbar_username"],
		LocalUsername: f["local_username"], Comment: f["comment"], Status: f["status"]}
	if in.StartTime, werr = seconds(f, "start_time"); werr != nil {
		return werr
	}
	if in.FinishTime, werr = seconds(f, "finish_time"); werr != nil {
		return werr
	}
	d, err := errortrack.NewDeploy(project, in, a.now())
	if err != nil {
		return replyError(err)
	}
	if d, err = a.st.CreateDeploy(req.Context(), d); err != nil {
		return replyError(err)
	}
	id := map[string]int64{"deploy_id": d.ID}
	wire.WriteJSON(w, http.StatusOK, map[string]any{"err": 0, "data": id, "result": id})
	return nil
}

// listDeploys serves GET /api/1/deploys?page=N, latest start first.
func (a *API) listDeploys(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	page, werr := wire.Page(req.URL.Query())
	if werr != nil {
		return werr
	}
	ds, err := a.st.Deploys(req.Context(), project, (page-1)*deploysPerPage, deploysPerPage)
	if err != nil {
		return replyError(err)
	}
	out := make([]wire.Deploy, len(ds))
	for i, d := range ds {
		out[i] = wire.ToDeploy(d)
	}
	wire.WriteResult(w, http.StatusOK, map[string]any{"page": page, "deploys": out})
	return nil
}

// getDeploy serves GET /api/1/deploy/{id}.
func (a *API) getDeploy(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	id, werr := wire.ID(req, "id")
	if werr != nil {
		return werr
	}
	d, err := a.st.Deploy(req.Context(), project, id)
	if err != nil {
		return replyError(err)
	}
	wire.WriteResult(w, http.StatusOK, wire.ToDeploy(d))
	return nil
}

// patchDeploy serves PATCH /api/1/deploy/{id} {"status": ...} (JSON or a
// form), answered with the deploy as stored.
func (a *API) patchDeploy(w http.ResponseWriter, req *http.Request, project string) *wire.Error {
	id, werr := wire.ID(req, "id")
	if werr != nil {
		return werr
	}
	f, werr := deployBody(w, req)
	if werr != nil {
		return werr
	}
	status, ok := f["status"]
	if !ok {
		return wire.Fail(http.StatusUnprocessableEntity, "status: required (started, succeeded, failed or timed_out)")
	}
	now := a.now()
	d, err := a.st.UpdateDeploy(req.Context(), project, id, func(d *model.Deploy) error {
		return errortrack.SetDeployStatus(d, status, now)
	})
	if err != nil {
		return replyError(err)
	}
	wire.WriteResult(w, http.StatusOK, wire.ToDeploy(d))
	return nil
}
