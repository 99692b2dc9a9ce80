package server

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"lookout/internal/diskspace"
	"lookout/internal/store"
	"lookout/internal/store/duckfile"
	"lookout/internal/tally"
)

// statusReport is the body of GET /api/status: what is stored, per kind and
// service, what arrived since start, when it last arrived and what was
// refused and why, so that a silent service or a rejecting one stands out.
type statusReport struct {
	Version     string    `json:"version"`
	StartedAt   time.Time `json:"startedAt"`
	Retention   string    `json:"retention"`
	BudgetBytes int64     `json:"budgetBytes"`
	StoreBytes  int64     `json:"storeBytes"`
	// MetadataBytes is the metadata store's file and WAL, counted against
	// the budget with the partitions.
	MetadataBytes int64             `json:"metadataBytes"`
	Partitions    []partitionStatus `json:"partitions"`
	Streams       []streamStatus    `json:"streams"`
	// Disk is the free space of the data directory's file system against
	// the reserve; DamagedFiles the data files set aside as unreadable.
	Disk         *diskspace.Status   `json:"disk,omitempty"`
	DamagedFiles []store.DamagedFile `json:"damagedFiles"`
}

type partitionStatus struct {
	Name  string    `json:"name"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Bytes int64     `json:"bytes"`
}

// streamStatus is one (project, kind, service).
type streamStatus struct {
	Project          string                     `json:"project"`
	Kind             string                     `json:"kind"`
	Service          string                     `json:"service"`
	StoredRows       int64                      `json:"storedRows"`
	StoredBytes      int64                      `json:"storedBytes"`
	NewestItem       *time.Time                 `json:"newestItem,omitempty"`
	AcceptedSinceUp  int64                      `json:"acceptedSinceStart"`
	LastAccepted     *time.Time                 `json:"lastAccepted,omitempty"`
	SilentForSeconds *float64                   `json:"silentForSeconds,omitempty"`
	Rejected         map[string]rejectionStatus `json:"rejected,omitempty"`
	// Folded is set on the "(other)" stream: records of services beyond
	// the tally's bounds counted here.
	Folded int64 `json:"folded,omitempty"`
}

type rejectionStatus struct {
	Count       int64     `json:"count"`
	LastMessage string    `json:"lastMessage"`
	Last        time.Time `json:"last"`
}

type statusSource struct {
	store     store.Store
	tally     *tally.Tally
	version   string
	started   time.Time
	retention time.Duration
	budget    int64
	now       func() time.Time
	disk      *diskspace.Guard     // nil: not reported
	damaged   store.DamageReporter // nil: not reported
	metaPath  string
}

func (s statusSource) report(ctx context.Context) (statusReport, error) {
	r := statusReport{Version: s.version, StartedAt: s.started, Retention: s.retention.String(), BudgetBytes: s.budget,
		DamagedFiles: []store.DamagedFile{}}
	if s.disk != nil {
		st := s.disk.Status()
		r.Disk = &st
	}
	if s.damaged != nil {
		r.DamagedFiles = append(r.DamagedFiles, s.damaged.DamagedFiles()...)
	}
	if s.metaPath != "" {
		r.MetadataBytes = duckfile.Size(s.metaPath)
	}
	parts, err := s.store.Partitions(ctx)
	if err != nil {
		return r, err
	}
	for _, p := range parts {
		r.StoreBytes += p.Bytes
		r.Partitions = append(r.Partitions, partitionStatus{p.Name, p.Start, p.End, p.Bytes})
	}
	usage, err := s.store.Usage(ctx)
	if err != nil {
		return r, err
	}
	streams := map[tally.Key]*streamStatus{}
	get := func(k tally.Key) *streamStatus {
		st, ok := streams[k]
		if !ok {
			st = &streamStatus{Project: k.Project, Kind: k.Kind, Service: k.Service}
			streams[k] = st
		}
		return st
	}
	for _, u := range usage {
		st := get(tally.Key{Project: u.Project, Kind: u.Kind, Service: u.Service})
		st.StoredRows, st.StoredBytes = u.Rows, u.Bytes
		if u.LastUnixNano > 0 {
			t := time.Unix(0, u.LastUnixNano).UTC()
			st.NewestItem = &t
		}
	}
	now := s.now()
	for _, e := range s.tally.Snapshot() {
		st := get(e.Key)
		st.AcceptedSinceUp, st.Folded = e.Accepted, e.Folded
		if !e.LastAccepted.IsZero() {
			t := e.LastAccepted.UTC()
			st.LastAccepted = &t
			silent := now.Sub(e.LastAccepted).Seconds()
			st.SilentForSeconds = &silent
		}
		for reason, rj := range e.Rejected {
			if st.Rejected == nil {
				st.Rejected = map[string]rejectionStatus{}
			}
			st.Rejected[reason] = rejectionStatus{rj.Count, rj.LastMessage, rj.Last.UTC()}
		}
	}
	for _, st := range streams {
		r.Streams = append(r.Streams, *st)
	}
	sort.Slice(r.Streams, func(i, j int) bool {
		a, b := r.Streams[i], r.Streams[j]
		if a.Project != b.Project {
			return a.Project < b.Project
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Service < b.Service
	})
	return r, nil
}

func (s statusSource) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rep, err := s.report(r.Context())
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "status: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
