package api

import (
	"net/http"

	"lookout/internal/query"
)

type bubbleUpReply struct {
	Inside  int64            `json:"inside"`
	Outside int64            `json:"outside"`
	Columns []bubbleUpColumn `json:"columns"`
}

type bubbleUpColumn struct {
	Column string          `json:"column"`
	Score  float64         `json:"score"`
	Binned bool            `json:"binned,omitempty"`
	Values []bubbleUpValue `json:"values"`
}

// bubbleUpValue is one value; "value" is null for spans lacking the column,
// and a binned value covers [value, max).
type bubbleUpValue struct {
	Value           any      `json:"value"`
	Max             *float64 `json:"max,omitempty"`
	Inside          int64    `json:"inside"`
	Outside         int64    `json:"outside"`
	InsideFraction  float64  `json:"inside_fraction"`
	OutsideFraction float64  `json:"outside_fraction"`
}

// bubbleUp answers POST /api/bubbleup[?dataset=]: {"query": spec,
// "selection": {...}} in, the columns ranked by how differently their
// values are spread inside and outside the selection out.
func (a *API) bubbleUp(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Query == nil {
		return &httpError{status: http.StatusNotImplemented, msg: "no query engine configured"}
	}
	body, err := readSpec(w, r)
	if err != nil {
		return err
	}
	q, sel, err := query.ParseBubbleUp(body, a.cfg.Now())
	if err != nil {
		return specError(err)
	}
	if ds := r.URL.Query().Get("dataset"); ds != "" {
		q.Dataset = ds
	}
	res, err := a.cfg.Query.BubbleUp(r.Context(), a.project(r), q, sel)
	if err != nil {
		return storeError(err)
	}
	rep := bubbleUpReply{Inside: res.Inside, Outside: res.Outside, Columns: []bubbleUpColumn{}}
	for _, c := range res.Columns {
		bc := bubbleUpColumn{Column: c.Column, Score: c.Score, Binned: c.Binned, Values: []bubbleUpValue{}}
		for _, v := range c.Values {
			bv := bubbleUpValue{Value: v.Value, Inside: v.Inside, Outside: v.Outside,
				InsideFraction: v.InsideFraction, OutsideFraction: v.OutsideFraction}
			if c.Binned && v.Value != nil {
				m := v.Max
				bv.Max = &m
			}
			bc.Values = append(bc.Values, bv)
		}
		rep.Columns = append(rep.Columns, bc)
	}
	return writeJSON(w, http.StatusOK, rep)
}
