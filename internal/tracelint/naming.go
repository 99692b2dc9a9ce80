package tracelint

import (
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"lookout/internal/store"
)

// NamingReport lists, per service instance, the names its SERVER spans
// (X-Ray segments) were given: an X-Ray SDK with dynamic naming names each
// segment after the request's Host header, so one service shows up under
// several names.
type NamingReport struct {
	Start    time.Time       `json:"start"`
	End      time.Time       `json:"end"`
	Services []NamingService `json:"services"`
}

// NamingService is one service instance. Key is how its names were tied
// together: "instance <id>" (host, container, pod or service instance id),
// "port <n>" (the port its requests arrived on), else "name <name>".
type NamingService struct {
	Key string `json:"key"`
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
	FromHost bool   `json:"fromHost"`
	Scope    string `json:"scope"` // instrumentation that reported it
}

func (h *Handlers) naming(w http.ResponseWriter, r *http.Request) {
	start, end, err := window(r, 24*time.Hour)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	rows, err := h.src.ServerSpanNames(r.Context(), h.project(r), start, end)
	if err != nil {
		h.fail(w, "naming", err)
		return
	}
	writeJSON(w, http.StatusOK, Naming(rows, start, end))
}

// Naming groups name counts into services; services with several names come
// first, then by key.
func Naming(rows []store.NameCount, start, end time.Time) NamingReport {
	byKey := map[string]*NamingService{}
	names := map[[2]string]int{} // (key, name) → index in its service's Names
	for _, row := range rows {
		key := groupKey(row)
		s, ok := byKey[key]
		if !ok {
			s = &NamingService{Key: key, ServiceNames: []string{}}
			byKey[key] = s
		}
		s.Total += row.Count
		if row.Service != "" && !contains(s.ServiceNames, row.Service) {
			s.ServiceNames = append(s.ServiceNames, row.Service)
		}
		i, ok := names[[2]string{key, row.Name}]
		if !ok {
			i = len(s.Names)
			names[[2]string{key, row.Name}] = i
			s.Names = append(s.Names, NameSeen{Name: row.Name, Scope: row.Scope, Hosts: []string{}})
		}
		n := &s.Names[i]
		n.Count += row.Count
		if last := time.Unix(0, row.LastNano).UTC(); last.After(n.LastSeen) {
			n.LastSeen = last
		}
		if row.URLHost != "" && !contains(n.Hosts, row.URLHost) {
			n.Hosts = append(n.Hosts, row.URLHost)
		}
		if host, _, err := net.SplitHostPort(row.URLHost); (err == nil && host == row.Name) || row.URLHost == row.Name {
			n.FromHost = true
		}
	}
	rep := NamingReport{Start: start, End: end, Services: []NamingService{}}
	for _, s := range byKey {
		sort.Strings(s.ServiceNames)
		sort.Slice(s.Names, func(i, j int) bool { return s.Names[i].Count > s.Names[j].Count })
		if len(s.Names) > 1 {
			var dyn []string
			for _, n := range s.Names {
				if n.FromHost {
					dyn = append(dyn, n.Name)
				}
			}
			s.Note = "one service, several names"
			if len(dyn) > 0 {
				s.Note += "; " + strings.Join(dyn, ", ") + " came from the request's Host header (dynamic segment naming)"
			}
		}
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

// groupKey ties names to one service instance.
func groupKey(n store.NameCount) string {
	if n.Instance != "" {
		return "instance " + n.Instance
	}
	if _, port, err := net.SplitHostPort(n.URLHost); err == nil && port != "" {
		return "port " + port
	}
	return "name " + n.Name
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
