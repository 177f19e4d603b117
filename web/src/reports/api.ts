// Typed client for the billing reports (usage & spend, savings, egress, burn rate). These
// endpoints are newer than the generated OpenAPI types, so their shapes are written here by hand
// from the API contract; calls still go through `api()` (session refresh, errors in words).
// Money stays an exact decimal string everywhere except chart bars (see `chartNumber`).

import { api, type Outcome } from '../api/client';
import { ApiError, REPORT_UNAVAILABLE } from '../api/errors';
import { session } from '../api/session';
import { saveCsvText } from '../components/csv';

export const GROUP_BYS = ['day', 'team', 'key', 'model', 'provider', 'data_class', 'route_reason'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface UsageFigures {
  requests: number;
  estimated_requests: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_input_tokens: number;
  cost_usd: string;
  counterfactual_cost_usd: string;
  saved_usd: string;
}

export interface UsageRow extends UsageFigures {
  key: string;
  label: string | null;
}

export interface UsageReport {
  from: string;
  to: string;
  group_by: GroupBy;
  rows: UsageRow[];
  totals: UsageFigures;
}

export interface UsageFilters {
  team_id?: string;
  key_id?: string;
  model?: string;
  provider_id?: string;
  data_class?: string;
}

export interface UsageQuery extends UsageFilters {
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day, `YYYY-MM-DD`. */
  to: string;
  group_by: GroupBy;
}

export interface EgressRow {
  provider_id: string;
  provider_name: string;
  trust_tier: string;
  region: string | null;
  retention_days: number | null;
  trains_on_data: boolean;
  zero_data_retention: boolean;
  left_environment: boolean;
  data_class: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

export interface EgressReport {
  from: string;
  to: string;
  rows: EgressRow[];
  totals: { requests: number; input_tokens: number; output_tokens: number };
}

export interface BurnRate {
  budget_id: string;
  scope: 'org' | 'team' | 'key';
  scope_id: string;
  period: string;
  /** null for `total` budgets, which have no period. */
  period_start: string | null;
  period_end: string | null;
  amount_usd: string;
  spent_usd: string;
  velocity_usd_per_hour: string;
  projected_spend_usd: string | null;
  projected_exhaustion_at: string | null;
  exhausts_before_period_end: boolean;
}

type Query = Record<string, string | undefined>;

function reportUrl(path: string, query: Query): URL {
  const url = new URL(path, globalThis.location?.origin ?? 'http://localhost');
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
  return url;
}

function authorized(url: URL): Request {
  const headers = new Headers();
  const tokens = session.get().tokens;
  if (tokens) headers.set('authorization', `Bearer ${tokens.access}`);
  return new Request(url, { headers });
}

async function getJson<T>(path: string, query: Query): Promise<Outcome<T>> {
  const response = await globalThis.fetch(authorized(reportUrl(path, query)));
  let body: unknown = null;
  try {
    body = await response.clone().json();
  } catch {
    // Not JSON (e.g. a proxy's error page): fromResponse reports the status.
  }
  return response.ok ? { data: body as T, response } : { error: body, response };
}

async function getText(path: string, query: Query): Promise<Outcome<string>> {
  const response = await globalThis.fetch(authorized(reportUrl(path, query)));
  if (response.ok) return { data: await response.text(), response };
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // As above.
  }
  return { error: body, response };
}

const base = (orgId: string) => `/api/v1/orgs/${encodeURIComponent(orgId)}/reports`;

/** Runs a report call; a 404 becomes REPORT_UNAVAILABLE (servers before the reports answer 404). */
async function report<T>(run: () => Promise<Outcome<T>>): Promise<T> {
  try {
    return await api(run);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new ApiError(404, REPORT_UNAVAILABLE, e.message);
    throw e;
  }
}

export function fetchUsage(orgId: string, q: UsageQuery): Promise<UsageReport> {
  return report(() => getJson<UsageReport>(`${base(orgId)}/usage`, { ...q }));
}

export function fetchEgress(orgId: string, from: string, to: string): Promise<EgressReport> {
  return report(() => getJson<EgressReport>(`${base(orgId)}/egress`, { from, to }));
}

/** Every budget's forecast; the server wraps them with the window they were measured over. */
export function fetchBurnRate(orgId: string): Promise<BurnRate[]> {
  return report(() => getJson<{ items: BurnRate[] }>(`${base(orgId)}/burn-rate`, {})).then((r) => r.items);
}

/** The report as the server's CSV (`format=csv`), saved under `filename`. */
export async function downloadReportCsv(orgId: string, which: 'usage' | 'egress', query: Query, filename: string): Promise<void> {
  saveCsvText(filename, await report(() => getText(`${base(orgId)}/${which}`, { ...query, format: 'csv' })));
}

/** For chart bars only: a decimal money string as a number of dollars (tables show the exact text). */
export function chartNumber(value: string): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The first day of this month and today (UTC): the default report range. */
export function monthToDate(now: Date = new Date()): { from: string; to: string } {
  return { from: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))), to: isoDay(now) };
}
