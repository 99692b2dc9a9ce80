// Typed access to the X-Ray sampling diagnostics of Lookout's JSON API:
// GET /api/xray/sampling and POST /api/xray/sampling/match
// (internal/receiver/xrayapi/sampling_diag.go, internal/xraysampling;
// docs/xray-api.md).

import { getJSON, postJSON } from "./api";

export interface SamplingRule {
  RuleName: string;
  RuleARN?: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: number;
  Attributes: Record<string, string> | null;
}
export interface Mismatch {
  field: string;
  pattern: string;
  value: string;
}
export interface SentCheck {
  rule: string;
  clients: string[];
  services: string[];
  sources: string[];
  from: string;
  to: string;
  sampled: number;
  arrived: number;
  missing: number;
}
export interface SamplingFinding {
  kind: "unmatched" | "shadowed" | "sdk-ignores" | "unsent" | string;
  message: string;
  shadowedBy?: string;
  takenBy?: { rule: string; requests: number }[];
  seen?: { service: string; host?: string; method?: string; path?: string; count: number; why: Mismatch }[];
  sent?: SentCheck;
}
export interface SamplingClient {
  clientId: string;
  lastReport: string;
  requestsPerSecond: number;
  quota: number;
  quotaExpires: string;
}
export interface RuleReport {
  name: string;
  priority: number;
  rule: SamplingRule;
  createdAt: string | null;
  modifiedAt: string | null;
  stats: { requests: number; sampled: number; borrowed: number };
  clients: SamplingClient[] | null;
  findings: SamplingFinding[] | null;
  sent: SentCheck[] | null;
}
export interface SamplingReport {
  start: string;
  end: string;
  lastRuleModification: string | null;
  rules: RuleReport[];
  segmentsError?: string;
  notes: string[] | null;
  sentWindow: string;
}
export interface MatchRequest {
  service: string;
  serviceType?: string;
  host?: string;
  method?: string;
  path?: string;
}
export interface RuleTrace {
  rule: string;
  priority: number;
  outcome: "matched" | "failed" | "not-evaluated";
  fields: { field: string; pattern: string; value: string; result: "match" | "fail" | "skipped" }[];
  why?: Mismatch;
}
export interface MatchReport {
  rule: string;
  priority: number;
  matched: SamplingRule;
  skipped: { rule: string; priority: number; why: Mismatch }[] | null;
  notes: string[] | null;
  rules: RuleTrace[];
}

export function samplingReport(): Promise<SamplingReport> {
  return getJSON<SamplingReport>("/api/xray/sampling");
}

export function samplingMatch(req: MatchRequest): Promise<MatchReport> {
  return postJSON<MatchReport>("/api/xray/sampling/match", {}, req);
}
