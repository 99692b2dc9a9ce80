package clickhouse

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	valid := func(edit func(c *Config)) Config {
		c := DefaultConfig()
		c.URL = "clickhouse://127.0.0.1:9000/lookout"
		edit(&c)
		return c
	}
	cases := []struct {
		name    string
		cfg     Config
		wantErr string // substring; "" means valid
	}{
		{"Default", valid(func(*Config) {}), ""},
		{"UserAndSettings", valid(func(c *Config) { c.URL = "clickhouse://u:secret@h1:9000,h2:9000/db_2?dial_timeout=5s" }), ""},
		{"NoURL", valid(func(c *Config) { c.URL = "" }), "url is empty"},
		{"HTTP", valid(func(c *Config) { c.URL = "http://127.0.0.1:8123/lookout" }), "native protocol"},
		{"NoDatabase", valid(func(c *Config) { c.URL = "clickhouse://127.0.0.1:9000" }), "database"},
		{"BadDatabase", valid(func(c *Config) { c.URL = "clickhouse://u:secret@127.0.0.1:9000/a-b" }), `database "a-b"`},
		{"NoConns", valid(func(c *Config) { c.MaxConns = 0 }), "max conns"},
		{"NoDialTimeout", valid(func(c *Config) { c.DialTimeout = 0 }), "dial timeout"},
		{"NoBudget", valid(func(c *Config) { c.QueryBudget = -time.Second }), "query budget"},
		{"NoMutationTimeout", valid(func(c *Config) { c.MutationTimeout = 0 }), "mutation timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("validate: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("validate: %v, want an error about %q", err, c.wantErr)
			case err != nil && strings.Contains(err.Error(), "secret"):
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"clickhouse://u:pw@h:9000/db": "clickhouse://u:***@h:9000/db",
		"clickhouse://h:9000/db":      "clickhouse://h:9000/db",
		"clickhouse://u@h:9000/db":    "clickhouse://u@h:9000/db",
	}
	for in, want := range cases {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
