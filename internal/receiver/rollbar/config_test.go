package rollbar

import "testing"

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		ok   bool
	}{
		{"default", func(*Config) {}, true},
		{"smallest body", func(c *Config) { c.MaxBodyBytes = MinBodyBytes }, true},
		{"small body", func(c *Config) { c.MaxBodyBytes = 1 << 10 }, false},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v", c.name, err)
		}
	}
}
