package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"lookout/internal/receiver/xrayapi/samplingapi"
	"lookout/internal/xraysampling"
)

// printExplain writes every rule in evaluation order with each field
// compared, then the decision.
func printExplain(w io.Writer, service, host, method, path string, rep samplingapi.MatchReport) {
	fmt.Fprintf(w, "Request: service %s, host %s, method %s, path %s\n\n", orNone(service), orNone(host), orNone(method), orNone(path))
	for i, rt := range rep.Rules {
		fmt.Fprintf(w, "%d. %s (priority %d): %s\n", i+1, rt.Rule, rt.Priority, outcome(rt, rep.Rule))
		if rt.Outcome == "not-evaluated" {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, f := range rt.Fields {
			fmt.Fprintf(tw, "     %s\t%s\t%s\t%s\n", f.Field, quote(f.Pattern), valueOf(f), fieldResult(f))
		}
		tw.Flush()
	}
	r := rep.Matched
	reservoir := fmt.Sprintf("the first %d requests a second (its reservoir)", r.ReservoirSize)
	if r.ReservoirSize == 1 {
		reservoir = "the first request each second (its reservoir)"
	}
	fmt.Fprintf(w, "\nDecision: rule %q (priority %d): %s, then %s of the rest.\n", r.RuleName, r.Priority, reservoir, percent(r.FixedRate))
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
}

func outcome(rt xraysampling.RuleTrace, decided string) string {
	switch rt.Outcome {
	case "matched":
		return "MATCH, it decides"
	case "failed":
		return fmt.Sprintf("no match: %s %s does not match %s", rt.Why.Field, quote(rt.Why.Pattern), quote(rt.Why.Value))
	}
	would := "would match"
	for _, f := range rt.Fields {
		if f.Result == "fail" {
			would = fmt.Sprintf("would fail on %s", f.Field)
			break
		}
	}
	return fmt.Sprintf("not evaluated, %q decided first (%s)", decided, would)
}

func fieldResult(f xraysampling.FieldCheck) string {
	switch f.Result {
	case "skipped":
		return "not compared (the request has none, the SDKs skip it)"
	case "fail":
		return "FAILS"
	}
	return "matches"
}

func valueOf(f xraysampling.FieldCheck) string {
	if f.Result == "skipped" {
		return "-"
	}
	return quote(f.Value)
}

func quote(s string) string { return strconv.Quote(s) }

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func percent(rate float64) string { return strconv.FormatFloat(rate*100, 'f', -1, 64) + "%" }

// printRules writes the rules with their statistics, then each rule's
// findings and sent-versus-sampled checks, then the notes.
func printRules(w io.Writer, rep samplingapi.SamplingReport) {
	fmt.Fprintf(w, "X-Ray sampling rules, in evaluation order; statistics of %s to %s (kept in memory since lookout started)\n\n",
		rep.Start.Format("15:04:05"), rep.End.Format("15:04:05 MST"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRIORITY\tRULE\tSERVICE\tTYPE\tHOST\tMETHOD\tPATH\tRATE\tRESERVOIR\tREQUESTS\tSAMPLED\tBORROWED\tCLIENTS")
	for _, r := range rep.Rules {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d/s\t%d\t%d\t%d\t%d\n", r.Priority, r.Name, r.Rule.ServiceName,
			r.Rule.ServiceType, r.Rule.Host, r.Rule.HTTPMethod, r.Rule.URLPath, percent(r.Rule.FixedRate), r.Rule.ReservoirSize,
			r.Stats.Requests, r.Stats.Sampled, r.Stats.Borrowed, len(r.Clients))
	}
	tw.Flush()
	for _, r := range rep.Rules {
		if len(r.Findings) == 0 && len(r.Sent) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", r.Name)
		for _, f := range r.Findings {
			fmt.Fprintf(w, "  %s: %s\n", f.Kind, f.Message)
			for _, e := range f.Seen {
				fmt.Fprintf(w, "    seen %d× %s %s%s (%s): %s %s does not match %s\n", e.Count, orNone(e.Method), e.Host, e.Path,
					e.Service, e.Why.Field, quote(e.Why.Pattern), quote(e.Why.Value))
			}
		}
		for _, c := range r.Sent {
			from := ""
			if len(c.Sources) > 0 {
				from = " from " + strings.Join(c.Sources, ", ")
			}
			fmt.Fprintf(w, "  sent (last %s): %s sampled %d, %d segments arrived (%s%s)\n", rep.SentWindow,
				clientList(c.Clients), c.Sampled, c.Arrived, orNone(strings.Join(c.Services, ", ")), from)
		}
	}
	if rep.SegmentsError != "" {
		fmt.Fprintf(w, "\nnot read: %s\n", rep.SegmentsError)
	}
	if len(rep.Notes) > 0 {
		fmt.Fprintln(w, "\nnotes:")
		for _, n := range rep.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
}

func clientList(ids []string) string {
	if len(ids) == 1 {
		return "client " + ids[0]
	}
	return "clients " + strings.Join(ids, ", ")
}
