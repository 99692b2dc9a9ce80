package tracelint

import (
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"lookout/internal/store"
)

// NamingReport lists, per process, the names its SERVER spans (X-Ray
// segments) were given: an X-Ray SDK with dynamic naming names each
// segment after the request's Host header when the host matches its
// pattern and gives the others its fixed name, so one process shows up as
// several services.
type NamingReport struct {
	Start    time.Time       `json:"start"`
	End      time.Time       `json:"end"`
	Services []NamingService `json:"services"`
}

// NamingService is one process. Key says what tied its names together:
// "process udp <host:port>" (the address its X-Ray SDK sends segments
// from: one socket per process), "instance <id>" (host, container, pod or
// service instance id of X-Ray segments sent otherwise), "port <n>" (the
// port its requests arrived on: a guess for segments with neither),
// "name <name>", or, for OpenTelemetry, "service <name>" with " on <id>"
// (OpenTelemetry services sharing a host are separate processes).
type NamingService struct {
	Key string `json:"key"`
	// Source is the address its segments came from ("" when unknown).
	Source string `json:"source,omitempty"`
	// Instance is its host, container, pod or service instance id, if any.
	Instance string `json:"instance,omitempty"`
	// SamplingClients are the ClientIDs of GetSamplingTargets reports
	// that match its segments (see ClientLinker); empty when unknown.
	SamplingClients []string `json:"samplingClients,omitempty"`
	// ServiceNames are the service.name values its spans carried (for an
	// X-Ray segment, its name; for OpenTelemetry, the resource's).
	ServiceNames []string   `json:"serviceNames"`
	Names        []NameSeen `json:"names"`
	Note         string     `json:"note,omitempty"`
	Total        int64      `json:"total"`
}

// NameSeen is one name with how often and how it was seen.
type NameSeen struct {
	Name     string    `json:"name"`
	Count    int64     `json:"count"`
	LastSeen time.Time `json:"lastSeen"`
	// Hosts are the request Host headers (from the URL) seen with this name.
	Hosts []string `json:"hosts"`
	// FromHost is true when the name equals a request's host: the SDK's
	// dynamic naming picked it, not a fixed name.
	FromHost bool `json:"fromHost"`
	// Reason says where the name came from.
	Reason string `json:"reason,omitempty"`
	Scope  string `json:"scope"` // instrumentation that reported it
}

func (h *Handlers) naming(w http.ResponseWriter, r *http.Request) {
	start, end, err := window(r, 24*time.Hour)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	project := h.project(r)
	rows, err := h.src.ServerSpanNames(r.Context(), project, start, end)
	if err != nil {
		h.fail(w, "naming", err)
		return
	}
	rep := Naming(rows, start, end)
	var sources []string
	for _, s := range rep.Services {
		if s.Source != "" {
			sources = append(sources, s.Source)
		}
	}
	if h.cfg.Clients != nil && len(sources) > 0 {
		clients, err := h.cfg.Clients.SamplingClients(r.Context(), project, sources, start, end)
		if err != nil {
			h.log.Warn("naming: sampling clients", "err", err)
		}
		for i := range rep.Services {
			rep.Services[i].SamplingClients = clients[rep.Services[i].Source]
		}
	}
	writeJSON(w, http.StatusOK, rep)
}

// Naming groups name counts into processes; processes with several names
// come first, then by key.
func Naming(rows []store.NameCount, start, end time.Time) NamingReport {
	byKey := map[string]*NamingService{}
	names := map[[2]string]int{} // (key, name) → index in its process's Names
	for _, row := range rows {
		key := processKey(row)
		s, ok := byKey[key]
		if !ok {
			s = &NamingService{Key: key, Source: row.Source, Instance: row.Instance, ServiceNames: []string{}}
			byKey[key] = s
		}
		s.Total += row.Count
		if row.Service != "" && !contains(s.ServiceNames, row.Service) {
			s.ServiceNames = append(s.ServiceNames, row.Service)
		}
		name := row.Name
		if row.Scope != XRayScopeName && row.Service != "" {
			name = row.Service // an OpenTelemetry SERVER span's name is its route, not a segment name
		}
		i, ok := names[[2]string{key, name}]
		if !ok {
			i = len(s.Names)
			names[[2]string{key, name}] = i
			s.Names = append(s.Names, NameSeen{Name: name, Scope: row.Scope, Hosts: []string{}})
		}
		n := &s.Names[i]
		n.Count += row.Count
		if last := time.Unix(0, row.LastNano).UTC(); last.After(n.LastSeen) {
			n.LastSeen = last
		}
		if row.URLHost != "" && !contains(n.Hosts, row.URLHost) {
			n.Hosts = append(n.Hosts, row.URLHost)
		}
		if sameHost(row.URLHost, name) {
			n.FromHost = true
		}
	}
	rep := NamingReport{Start: start, End: end, Services: []NamingService{}}
	for _, s := range byKey {
		sort.Strings(s.ServiceNames)
		sort.Slice(s.Names, func(i, j int) bool {
			if s.Names[i].Count != s.Names[j].Count {
				return s.Names[i].Count > s.Names[j].Count
			}
			return s.Names[i].Name < s.Names[j].Name
		})
		explain(s)
		rep.Services = append(rep.Services, *s)
	}
	sort.Slice(rep.Services, func(i, j int) bool {
		a, b := rep.Services[i], rep.Services[j]
		if (len(a.Names) > 1) != (len(b.Names) > 1) {
			return len(a.Names) > 1
		}
		return a.Key < b.Key
	})
	return rep
}

// processKey ties names to one process.
func processKey(n store.NameCount) string {
	if n.Source != "" {
		return "process udp " + n.Source
	}
	if n.Scope != XRayScopeName {
		if n.Instance != "" {
			return "service " + n.Service + " on " + n.Instance
		}
		return "service " + n.Service
	}
	if n.Instance != "" {
		return "instance " + n.Instance
	}
	if _, port, err := net.SplitHostPort(n.URLHost); err == nil && port != "" {
		return "port " + port
	}
	return "name " + n.Name
}

// sameHost reports whether name is the request's host, with or without
// its port: what dynamic naming produces.
func sameHost(urlHost, name string) bool {
	if urlHost == "" {
		return false
	}
	if strings.EqualFold(urlHost, name) {
		return true
	}
	host, _, err := net.SplitHostPort(urlHost)
	return err == nil && strings.EqualFold(host, name)
}

// explain gives each name of a process its reason and the process its
// note.
func explain(s *NamingService) {
	var dynamic, fixed []string
	for _, n := range s.Names {
		if n.FromHost {
			dynamic = append(dynamic, n.Name)
		} else {
			fixed = append(fixed, n.Name)
		}
	}
	for i := range s.Names {
		n := &s.Names[i]
		switch {
		case n.Scope != XRayScopeName:
			n.Reason = "the OpenTelemetry resource's service.name"
		case n.FromHost:
			n.Reason = fmt.Sprintf("named after the request's Host header %s: the SDK's dynamic naming pattern matched that host",
				hostList(n.Hosts, n.Name))
		case len(dynamic) > 0 && len(n.Hosts) > 0:
			n.Reason = fmt.Sprintf("requests with Host %s don't match the SDK's dynamic-naming pattern, so it falls back to the fixed name `%s`",
				hostList(n.Hosts, ""), n.Name)
		case len(dynamic) > 0:
			n.Reason = fmt.Sprintf("the SDK's fixed name `%s` (requests without a recorded URL, so no Host to name them after)", n.Name)
		case len(fixed) > 1:
			n.Reason = fmt.Sprintf("a fixed name `%s`, one of %d this process gave its segments: the code names segments itself "+
				"(a segment namer per handler, or segments begun with explicit names)", n.Name, len(fixed))
		default:
			n.Reason = fmt.Sprintf("the SDK's fixed name `%s`", n.Name)
		}
	}
	if len(s.Names) < 2 {
		return
	}
	s.Note = fmt.Sprintf("one process, %d names: %s", len(s.Names), strings.Join(nameList(s.Names), ", "))
	if len(dynamic) > 0 {
		s.Note += fmt.Sprintf("; %s came from the request's Host header (dynamic segment naming). Each name is a separate "+
			"service in the service map, and sampling rules match the name the request got: a rule for ServiceName `%s` "+
			"does not apply to requests named `%s`", strings.Join(dynamic, ", "), firstOr(fixed, dynamic[0]), dynamic[0])
	}
}

// hostList renders up to three hosts in backquotes, fallback when there
// are none.
func hostList(hosts []string, fallback string) string {
	var out []string
	for _, h := range hosts {
		if len(out) == 3 {
			out = append(out, fmt.Sprintf("and %d more", len(hosts)-3))
			break
		}
		out = append(out, "`"+h+"`")
	}
	if len(out) == 0 {
		return "`" + fallback + "`"
	}
	return strings.Join(out, ", ")
}

func nameList(ns []NameSeen) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprintf("%s (%d)", n.Name, n.Count)
	}
	return out
}

func firstOr(ss []string, or string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return or
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
