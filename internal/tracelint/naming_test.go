package tracelint

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"lookout/internal/store"
)

// TestNaming groups SERVER span names per process and says where each name
// came from.
func TestNaming(t *testing.T) {
	const src = "127.0.0.1:51234"
	xr := func(name, urlHost, source, instance string, n int64) store.NameCount {
		return store.NameCount{Service: name, Name: name, URLHost: urlHost, Source: source, Instance: instance,
			Scope: XRayScopeName, Count: n, LastNano: t0.UnixNano()}
	}
	otelRow := func(service, span, instance string, n int64) store.NameCount {
		return store.NameCount{Service: service, Name: span, Instance: instance, Scope: "io.opentelemetry.flask",
			URLHost: "shop.example.com", Count: n, LastNano: t0.UnixNano()}
	}
	type group struct {
		key     string
		names   string   // name:count, most first
		reasons []string // a substring of each name's reason, in that order
		note    string   // a substring of the note; "" for none
	}
	cases := []struct {
		name string
		rows []store.NameCount
		want []group
	}{
		{"dynamic naming with a fallback: one process, two names",
			[]store.NameCount{xr("backend-flask", "127.0.0.1:15004", src, "", 12), xr("4567-cruddur.gitpod.io", "4567-cruddur.gitpod.io", src, "", 30)},
			[]group{{"process udp " + src, "4567-cruddur.gitpod.io:30 backend-flask:12", []string{
				"named after the request's Host header `4567-cruddur.gitpod.io`",
				"requests with Host `127.0.0.1:15004` don't match the SDK's dynamic-naming pattern, so it falls back to the fixed name `backend-flask`"},
				"one process, 2 names"}}},
		{"two processes, one name each",
			[]store.NameCount{xr("api", "127.0.0.1:8080", "127.0.0.1:1000", "", 3), xr("api", "127.0.0.1:8081", "127.0.0.1:2000", "", 4)},
			[]group{{"process udp 127.0.0.1:1000", "api:3", []string{"the SDK's fixed name `api`"}, ""},
				{"process udp 127.0.0.1:2000", "api:4", []string{"fixed name"}, ""}}},
		{"OpenTelemetry services on one host are separate, named by service.name",
			[]store.NameCount{otelRow("cart", "GET /cart", "h1", 5), otelRow("cart", "POST /cart", "h1", 2), otelRow("shop", "GET /", "h1", 1)},
			[]group{{"service cart on h1", "cart:7", []string{"service.name"}, ""}, {"service shop on h1", "shop:1", []string{"service.name"}, ""}}},
		{"a process naming segments itself",
			[]store.NameCount{xr("orders", "", src, "", 2), xr("payments", "", src, "", 1)},
			[]group{{"process udp " + src, "orders:2 payments:1", []string{"one of 2", "one of 2"}, "one process, 2 names"}}},
		{"segments without a source, by instance",
			[]store.NameCount{xr("api", "", "", "i-0abc", 2)},
			[]group{{"instance i-0abc", "api:2", []string{"fixed name"}, ""}}},
	}
	for _, c := range cases {
		rep := Naming(c.rows, t0, t0.Add(time.Hour))
		if len(rep.Services) != len(c.want) {
			t.Errorf("%s: %d groups, want %d: %+v", c.name, len(rep.Services), len(c.want), rep.Services)
			continue
		}
		for i, w := range c.want {
			g := rep.Services[i]
			var names []string
			for _, n := range g.Names {
				names = append(names, n.Name+":"+strconv.FormatInt(n.Count, 10))
			}
			if g.Key != w.key || strings.Join(names, " ") != w.names {
				t.Errorf("%s: group %d is %s with %v, want %s with %s", c.name, i, g.Key, names, w.key, w.names)
				continue
			}
			for j, r := range w.reasons {
				if !strings.Contains(g.Names[j].Reason, r) {
					t.Errorf("%s: %s reason %q, want it to contain %q", c.name, g.Names[j].Name, g.Names[j].Reason, r)
				}
			}
			if (w.note == "") != (g.Note == "") || !strings.Contains(g.Note, w.note) {
				t.Errorf("%s: note %q, want %q", c.name, g.Note, w.note)
			}
		}
	}
}
