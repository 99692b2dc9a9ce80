package cruddur

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestConfigFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{name: "defaults", env: nil, check: func(c Config) bool { return c == DefaultConfig() }},
		{name: "endpoints", env: map[string]string{EnvOTLPEndpoint: "http://h:1", EnvXRayDaemon: "tcp:h:2 udp:h:3",
			EnvRollbarEndpoint: "http://h:4/api/1/item/", EnvAWSRegion: "eu-west-1"},
			check: func(c Config) bool {
				return c.OTLPEndpoint == "http://h:1" && c.XRayDaemonAddr == "tcp:h:2 udp:h:3" &&
					c.RollbarEndpoint == "http://h:4/api/1/item/" && c.AWSRegion == "eu-west-1"
			}},
		{name: "grpc", env: map[string]string{EnvOTLPProtocol: "grpc"}, wantErr: "http/protobuf only"},
		{name: "not a URL", env: map[string]string{EnvCloudWatchLogs: "127.0.0.1:8686"}, wantErr: "cloudwatch logs endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case !tc.check(c):
				t.Errorf("config %+v", c)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"no addr":        func(c *Config) { c.Addr = "" },
		"no credentials": func(c *Config) { c.AWSAccessKeyID = "" },
		"stream with *":  func(c *Config) { c.LogStream = "a*b" },
		"no interval":    func(c *Config) { c.LogSendInterval = 0 },
		"no token":       func(c *Config) { c.RollbarToken = "" },
	} {
		c := DefaultConfig()
		edit(&c)
		if c.Validate() == nil {
			t.Errorf("%s: valid", name)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("default: %v", err)
	}
}

// TestSamplingRules: the rule files are the standard X-Ray JSON and say
// what the demo relies on.
func TestSamplingRules(t *testing.T) {
	rules, err := SamplingRules()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]int{}
	for i, r := range rules {
		byName[aws.ToString(r.SamplingRule.RuleName)] = i
	}
	if len(rules) != 3 {
		t.Fatalf("rules %v", byName)
	}
	hc := rules[byName["health-check"]].SamplingRule
	if hc.FixedRate != 0 || hc.ReservoirSize != 0 || aws.ToString(hc.URLPath) != "/api/health-check" {
		t.Errorf("health-check %+v", hc)
	}
	if s := aws.ToString(rules[byName["Cruddur"]].SamplingRule.ServiceName); s == BackendService || s == ProfilesService {
		t.Errorf("Cruddur's ServiceName is %q: it should be the mistake the demo shows", s)
	}
	if s := aws.ToString(rules[byName["cruddur-activities"]].SamplingRule.ServiceName); s != BackendService {
		t.Errorf("cruddur-activities' ServiceName is %q", s)
	}
}
