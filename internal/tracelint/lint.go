package tracelint

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
)

// Rule names of the findings. Unclosed, closed-before-child and
// missing-downstream are X-Ray's: they apply to spans made from X-Ray
// documents only (scope XRayScopeName). In OpenTelemetry a child may
// outlive its parent (asynchronous work), and in-progress and traced flags
// are X-Ray document fields.
const (
	RuleUnclosed          = "unclosed"            // still in progress past the timeout
	RuleClosedBeforeChild = "closed-before-child" // a parent ended before its child did
	RuleOrphan            = "orphan"              // the parent never arrived
	RuleMissingDownstream = "missing-downstream"  // a traced call whose callee's segment never came
	RuleClockSkew         = "clock-skew"          // a callee's segment outside its caller's call
	// RuleRejectedDocument (rejected.go): a document the receiver refused.
)

// FromXRay reports whether the span was made from an X-Ray segment document.
func FromXRay(sp *model.Span) bool { return sp.Scope.Name == XRayScopeName }

// Config tunes the rules.
type Config struct {
	// InProgressTimeout is how long a span may stay in progress before it
	// counts as unclosed; younger ones may still be completed. Default 5m.
	InProgressTimeout time.Duration
	// Tolerance is the slack allowed in time comparisons (parent end vs
	// child end, caller vs callee clocks). Default 1ms: X-Ray times are
	// millisecond-precise at best.
	Tolerance time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{InProgressTimeout: 5 * time.Minute, Tolerance: time.Millisecond}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.InProgressTimeout <= 0 || c.Tolerance < 0 {
		return errors.New("tracelint: InProgressTimeout must be positive and Tolerance not negative")
	}
	return nil
}

// Finding is one fault in a trace.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"` // "error" or "warning"
	SpanID   string `json:"spanId"`
	Name     string `json:"name"`
	Service  string `json:"service"`
	// Path names the span's ancestors down to it: "shop > load-cart > dial".
	Path string `json:"path"`
	// OpenedAt is where the span was opened when the SDK said so
	// (code.* attributes), else "".
	OpenedAt string `json:"openedAt,omitempty"`
	ParentID string `json:"parentId,omitempty"`
	// SkewMillis is the clock offset found by clock-skew, in milliseconds.
	SkewMillis float64 `json:"skewMillis,omitempty"`
	Message    string  `json:"message"`
	// Document is the refused document of a rejected-document finding.
	Document *RejectedDocument `json:"document,omitempty"`
}

// Report is the lint result of one trace.
type Report struct {
	TraceID  string    `json:"traceId"`
	Spans    int       `json:"spans"`
	Replaced int       `json:"replaced"` // span copies superseded by a later copy with the same id
	Findings []Finding `json:"findings"`
}

// Check lints one trace's spans (any order, ids may repeat). Findings come
// in span start order, rule by rule within a span.
func Check(cfg Config, spans []model.Span) Report {
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	t := Build(spans)
	r := Report{Spans: len(t.Spans), Replaced: t.Replaced, Findings: []Finding{}}
	if len(t.Spans) > 0 {
		r.TraceID = t.Spans[0].TraceID.String()
	}
	tol := cfg.Tolerance.Nanoseconds()
	seenOrphanParent := map[model.SpanID]bool{}
	for i, sp := range t.Spans {
		f := func(rule, sev, format string, args ...any) Finding {
			return Finding{Rule: rule, Severity: sev, SpanID: sp.SpanID.String(), Name: sp.Name, Service: t.Service[i],
				Path: t.path(i), OpenedAt: openedAt(sp), Message: fmt.Sprintf(format, args...)}
		}
		p := t.Parent[i]
		xray := FromXRay(sp)
		open := InProgress(sp)
		if open && xray {
			age := time.Duration(now().UnixNano() - sp.StartUnixNano)
			if age > cfg.InProgressTimeout {
				msg := fmt.Sprintf("%q was opened %s ago and never closed", sp.Name, age.Round(time.Second))
				if p >= 0 && !InProgress(t.Spans[p]) {
					msg += fmt.Sprintf("; its parent %q closed without it", t.Spans[p].Name)
				}
				r.Findings = append(r.Findings, f(RuleUnclosed, "error", "%s", msg))
			}
		}
		if xray && p >= 0 && !open && !InProgress(t.Spans[p]) && !t.IsSegment(i) && sp.EndUnixNano > t.Spans[p].EndUnixNano+tol {
			r.Findings = append(r.Findings, f(RuleClosedBeforeChild, "warning", "parent %q ended %s before its child %q",
				t.Spans[p].Name, time.Duration(sp.EndUnixNano-t.Spans[p].EndUnixNano), sp.Name))
		}
		if p < 0 && !sp.ParentSpanID.IsZero() && !seenOrphanParent[sp.ParentSpanID] {
			seenOrphanParent[sp.ParentSpanID] = true
			x := f(RuleOrphan, "warning", "parent %s of %q never arrived (not sent, dropped, or sampled out upstream)",
				sp.ParentSpanID, sp.Name)
			x.ParentID = sp.ParentSpanID.String()
			r.Findings = append(r.Findings, x)
		}
		if v, ok := sp.Attributes.Get(AttrTraced); xray && ok && v.Kind == model.KindBool && v.Bool && !hasSegmentChild(t, i) {
			r.Findings = append(r.Findings, f(RuleMissingDownstream, "warning",
				"%q called a traced service whose segment never arrived (check the callee's daemon address and sampling)", sp.Name))
		}
		if p >= 0 && t.IsSegment(i) && t.Service[p] != t.Service[i] && !open && !InProgress(t.Spans[p]) {
			if skew := skewOf(t.Spans[p], sp, tol); skew != 0 {
				x := f(RuleClockSkew, "warning", "%q (%s) runs %s outside its caller %q (%s): the hosts' clocks differ",
					sp.Name, t.Service[i], time.Duration(skew).Abs(), t.Spans[p].Name, t.Service[p])
				x.SkewMillis = float64(skew) / 1e6
				r.Findings = append(r.Findings, x)
			}
		}
	}
	return r
}

// skewOf returns how far the callee's interval lies outside its caller's
// (negative: it starts early), 0 within the tolerance. A callee longer
// than its caller is not skew: asynchronous calls outlive their caller.
func skewOf(caller, callee *model.Span, tol int64) int64 {
	if d := callee.StartUnixNano - caller.StartUnixNano; d < -tol {
		return d
	}
	if callee.DurationNano() <= caller.DurationNano() {
		if d := callee.EndUnixNano - caller.EndUnixNano; d > tol {
			return d
		}
	}
	return 0
}

func hasSegmentChild(t *Tree, i int) bool {
	for _, c := range t.Children[i] {
		if t.IsSegment(c) {
			return true
		}
	}
	return false
}

// path names span i's ancestors, root first.
func (t *Tree) path(i int) string {
	var names []string
	for j := i; j >= 0 && len(names) < 32; j = t.Parent[j] {
		names = append(names, t.Spans[j].Name)
	}
	for a, b := 0, len(names)-1; a < b; a, b = a+1, b-1 {
		names[a], names[b] = names[b], names[a]
	}
	return strings.Join(names, " > ")
}

// openedAt renders the code location the SDK recorded, if any: the OTel
// code.* attributes (current and older names).
func openedAt(sp *model.Span) string {
	get := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := sp.Attributes.Get(k); ok {
				return v.AsString()
			}
		}
		return ""
	}
	fn := get("code.function.name", "code.function")
	file := get("code.file.path", "code.filepath")
	line := get("code.line.number", "code.lineno")
	switch {
	case file != "" && line != "":
		file += ":" + line
	case file == "" && fn == "":
		return ""
	}
	if fn != "" && file != "" {
		return fn + " (" + file + ")"
	}
	return fn + file
}
