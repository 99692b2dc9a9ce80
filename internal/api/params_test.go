package api

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "", want: time.Time{}},
		{in: "now", want: now},
		{in: "0", want: time.Unix(0, 0)},
		{in: "1741600800", want: time.Unix(1741600800, 0)},
		{in: "1741600800123", want: time.UnixMilli(1741600800123)},
		{in: "1741600800123456", want: time.UnixMicro(1741600800123456)},
		{in: "1741600800123456789", want: time.Unix(0, 1741600800123456789)},
		{in: "1741600800.25", want: time.Unix(1741600800, 250_000_000)},
		{in: "2025-03-10T10:00:00Z", want: time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)},
		{in: "2025-03-10T11:00:00.5+01:00", want: time.Date(2025, 3, 10, 10, 0, 0, 500_000_000, time.UTC)},
		{in: "1h", want: now.Add(-time.Hour)},
		{in: "now-90m", want: now.Add(-90 * time.Minute)},
		{in: "-1h", err: `"-1h": want unix seconds`},
		{in: "now+1h", err: `"now+1h"`},
		{in: "99999999999999999999", err: "value out of range"},
		{in: "yesterday", err: `"yesterday"`},
		{in: "2025-03-10", err: `"2025-03-10"`},
	} {
		got, err := parseTime(tc.in, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseTime(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseTraceID(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means invalid
	}{
		{"ff0102030405060708090a0b0c0d0e0f", "ff0102030405060708090a0b0c0d0e0f"},
		{"FF0102030405060708090A0B0C0D0E0F", "ff0102030405060708090a0b0c0d0e0f"},
		{"abc", "00000000000000000000000000000abc"},
		{"1-5759e988-bd862e3fe1be46a994272793", "5759e988bd862e3fe1be46a994272793"},
		{"1-00000000-000000000000000000000000", ""},
		{"1-5759e988", ""},
		{"", ""},
		{"000", ""},
		{"xyz", ""},
		{"ff0102030405060708090a0b0c0d0e0f0", ""},
	} {
		got, err := parseTraceID(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("parseTraceID(%q) = %s, want an error", tc.in, got)
		case tc.want == "" && !errors.Is(err, model.ErrInvalidID):
			t.Errorf("parseTraceID(%q) error %v does not wrap ErrInvalidID", tc.in, err)
		case tc.want != "" && (err != nil || got.String() != tc.want):
			t.Errorf("parseTraceID(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]int32{
		"": 0, "1": 1, "24": 24, "trace": 1, "DEBUG": 5, "info": 9, "Info3": 11, "WARN": 13, "warning": 13,
		"ERROR": 17, "error4": 20, "FATAL": 21, "critical": 21,
		"0": -1, "25": -1, "LOUD": -1, "INFO5": -1, "4": 4,
	} {
		got, err := parseSeverity(in)
		if want < 0 {
			if err == nil {
				t.Errorf("parseSeverity(%q) = %d, want an error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("parseSeverity(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func tagList(kv ...string) []store.Tag {
	var tags []store.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		tags = append(tags, store.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return tags
}

func TestParseTags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []store.Tag
		err  string
	}{
		{in: "", want: nil},
		{in: "service.name=foo http.status_code=500", want: tagList("service.name", "foo", "http.status_code", "500")},
		{in: `name="GET /cart" status=error`, want: tagList("name", "GET /cart", "status", "error")},
		{in: `k="a \"q\""`, want: tagList("k", `a "q"`)},
		{in: "a=1\nb=2", want: tagList("a", "1", "b", "2")},
		{in: "lonely", err: `key "lonely" has no value`},
		{in: "empty=", err: `key "empty" has no value`},
		{in: `empty=""`, err: `key "empty" has no value`},
		{in: `k="unterminated`, err: "unterminated"},
		{in: "status=ERROR", want: tagList("status", "ERROR")},
		{in: "status=failed", err: `status="failed": want unset, ok or error`},
	} {
		got, err := parseTags(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseTags(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseTags(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
