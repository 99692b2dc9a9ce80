package errortrack

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// Hosted error trackers scrub sensitive fields on their side before they
// store a payload, whatever the notifier already did; so does Lookout. The
// value of any member whose name is a scrub field (case-insensitive),
// anywhere in the payload, and of any such parameter in a URL's or query
// string's query, is replaced by ScrubMask before the occurrence is stored.

// DefaultScrubFields are Config.ScrubFields' default: passwords, secrets,
// tokens, and the headers that carry credentials.
var DefaultScrubFields = []string{
	"passwd", "password", "password_confirmation", "confirm_password", "secret", "secret_key",
	"auth_token", "csrf_token", "access_token", "api_key", "apikey",
	"authorization", "cookie", "set-cookie", "x-rollbar-access-token",
}

// ScrubMask replaces a scrubbed value: fixed, so it does not tell the length.
const ScrubMask = "********"

// Scrubber masks the scrub fields of payloads.
type Scrubber struct{ fields map[string]bool }

// NewScrubber masks the given fields; none: it masks nothing.
func NewScrubber(fields []string) *Scrubber {
	s := &Scrubber{fields: map[string]bool{}}
	for _, f := range fields {
		s.fields[strings.ToLower(strings.TrimSpace(f))] = true
	}
	return s
}

// Payload returns raw with the scrub fields masked; raw itself, byte for
// byte, when there was nothing to mask (or it is not a JSON object, which
// decoding refused before).
func (s *Scrubber) Payload(raw json.RawMessage) json.RawMessage {
	if len(s.fields) == 0 || !s.mayHold(raw) {
		return raw
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers stay as sent
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	if !s.walk(v) {
		return raw
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // the payload as sent: no \u0026 for &
	if err := enc.Encode(v); err != nil {
		return raw
	}
	return bytes.TrimRight(out.Bytes(), "\n")
}

// mayHold reports whether raw may hold a scrub field, so that most payloads
// are stored without being decoded again: a field's name must occur in it,
// in any case, unless a \u escape could spell it.
func (s *Scrubber) mayHold(raw []byte) bool {
	if bytes.Contains(raw, []byte(`\u`)) {
		return true
	}
	lower := bytes.ToLower(raw)
	for f := range s.fields {
		if bytes.Contains(lower, []byte(f)) {
			return true
		}
	}
	return false
}

// walk masks v's scrub fields in place and reports whether it changed any.
func (s *Scrubber) walk(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			lk := strings.ToLower(k)
			switch str, isStr := e.(string); {
			case s.fields[lk]:
				if e != ScrubMask {
					x[k], changed = ScrubMask, true
				}
			case isStr && (lk == "url" || lk == "query_string"):
				if masked, ok := s.query(str, lk == "url"); ok {
					x[k], changed = masked, true
				}
			default:
				changed = s.walk(e) || changed
			}
		}
	case []any:
		for _, e := range x {
			changed = s.walk(e) || changed
		}
	}
	return changed
}

// query masks the scrub fields among the query parameters of a URL (isURL)
// or of a bare query string, keeping the other parameters as they were.
func (s *Scrubber) query(text string, isURL bool) (string, bool) {
	q, rebuild := text, func(q string) string { return q }
	if isURL {
		u, err := url.Parse(text)
		if err != nil || u.RawQuery == "" {
			return text, false
		}
		q = u.RawQuery
		rebuild = func(q string) string { u.RawQuery = q; return u.String() }
	}
	prefix := ""
	if strings.HasPrefix(q, "?") {
		prefix, q = "?", q[1:]
	}
	pairs := strings.Split(q, "&")
	changed := false
	for i, pair := range pairs {
		k, _, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil && s.fields[strings.ToLower(name)] {
			pairs[i], changed = k+"="+ScrubMask, true
		}
	}
	if !changed {
		return text, false
	}
	return rebuild(prefix + strings.Join(pairs, "&")), true
}
