import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../api/session';
import { TEST_ORG, json, meBody, renderPage, routeFetch } from '../test/render';
import { fetchUsage, type UsageReport } from './api';
import { BurnRatePage } from './BurnRate';
import { EgressPage } from './EgressPage';
import { SavingsPage } from './SavingsPage';
import { UsagePage } from './UsagePage';

const figures = { requests: 3, estimated_requests: 0, input_tokens: 1200, output_tokens: 300, cached_input_tokens: 100, cache_write_input_tokens: 0 };
const REPORTS = `/api/v1/orgs/${TEST_ORG}/reports`;

function usage(groupBy: string): UsageReport {
  return {
    from: '2026-11-01',
    to: '2026-11-29',
    group_by: groupBy as UsageReport['group_by'],
    rows: [
      { key: 't1', label: 'Support', ...figures, cost_usd: '1.25', counterfactual_cost_usd: '5.00', saved_usd: '3.75' },
      { key: 't2', label: null, ...figures, requests: 1, cost_usd: '0.000000001', counterfactual_cost_usd: '0', saved_usd: '0' },
    ],
    totals: { ...figures, requests: 4, cost_usd: '1.250000001', counterfactual_cost_usd: '5.00', saved_usd: '3.75' },
  };
}

const me = () => json(200, meBody('viewer'));
const empty = () => json(200, { items: [] });
const lookups = { 'GET /api/v1/me': me, [`GET /api/v1/orgs/${TEST_ORG}/teams`]: empty, [`GET /api/v1/orgs/${TEST_ORG}/keys`]: empty, 'GET /api/v1/models': empty, 'GET /api/v1/providers': empty };

describe('report client', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('asks for the usage report with the range, grouping and only the filters set', async () => {
    const seen = routeFetch({ [`GET ${REPORTS}/usage`]: () => json(200, usage('team')) });
    const report = await fetchUsage(TEST_ORG, { from: '2026-11-01', to: '2026-11-29', group_by: 'team', model: 'demo-small', key_id: undefined });
    expect(report.totals.cost_usd).toBe('1.250000001');
    const url = new URL(seen[0].url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ from: '2026-11-01', to: '2026-11-29', group_by: 'team', model: 'demo-small' });
    expect(seen[0].headers.get('authorization')).toBe('Bearer tok');
  });

  it('says a server without the reports does not offer them', async () => {
    routeFetch({});
    await expect(fetchUsage(TEST_ORG, { from: '2026-11-01', to: '2026-11-29', group_by: 'day' })).rejects.toMatchObject({ code: 'report_unavailable' });
  });
});

describe('usage explorer', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('shows totals and exact rows, regroups, and downloads the server CSV', async () => {
    const seen = routeFetch({
      ...lookups,
      [`GET ${REPORTS}/usage`]: (req) => {
        const q = new URL(req.url).searchParams;
        if (q.get('format') === 'csv') return new Response('key,cost_usd\r\nt1,1.25\r\n', { status: 200, headers: { 'content-type': 'text/csv' } });
        return json(200, usage(q.get('group_by') ?? 'day'));
      },
    });
    globalThis.URL.createObjectURL = vi.fn(() => 'blob:x');
    globalThis.URL.revokeObjectURL = vi.fn();
    renderPage(<UsagePage />, 'reports/usage');
    const table = await screen.findByRole('table', { name: 'Usage by day' });
    expect(within(table).getByText('Support')).toBeInTheDocument();
    // A row without a label is named by its key; money is shown exactly, never rounded by floats.
    expect(within(table).getByText('t2')).toBeInTheDocument();
    expect(within(table).getByText('$0.000000001')).toBeInTheDocument();
    expect(screen.getByText('$1.250000001')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('combobox', { name: 'Group by' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Team', hidden: true }));
    await screen.findByRole('table', { name: 'Usage by team' });
    expect(seen.some((r) => new URL(r.url).searchParams.get('group_by') === 'team')).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(seen.some((r) => new URL(r.url).searchParams.get('format') === 'csv')).toBe(true));
    const csv = seen.find((r) => new URL(r.url).searchParams.get('format') === 'csv')!;
    expect(new URL(csv.url).searchParams.get('group_by')).toBe('team');
  });

  it('has an empty state and an error state', async () => {
    routeFetch({ ...lookups, [`GET ${REPORTS}/usage`]: () => json(200, { ...usage('day'), rows: [] }) });
    renderPage(<UsagePage />, 'reports/usage');
    expect(await screen.findByText('No requests in this range with these filters.')).toBeInTheDocument();
  });

  it('explains a server that does not offer the report', async () => {
    routeFetch(lookups);
    renderPage(<UsagePage />, 'reports/usage');
    expect(await screen.findByText('Report not available')).toBeInTheDocument();
  });
});

describe('savings', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('compares actual and default-model cost with the saved share', async () => {
    routeFetch({ ...lookups, [`GET ${REPORTS}/usage`]: (req) => json(200, usage(new URL(req.url).searchParams.get('group_by') ?? '')) });
    renderPage(<SavingsPage />, 'reports/savings');
    const table = await screen.findByRole('table', { name: 'Savings by team' });
    const support = within(table).getByText('Support').closest('tr')!;
    expect(within(support).getByText('$1.25')).toBeInTheDocument();
    expect(within(support).getByText('$5.00')).toBeInTheDocument();
    expect(within(support).getByText('$3.75')).toBeInTheDocument();
    expect(within(support).getByText('75.0 %')).toBeInTheDocument();
    // Nothing to compare against: no percentage is made up.
    expect(within(within(table).getByText('t2').closest('tr')!).getByText('—')).toBeInTheDocument();
  });
});

describe('egress', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('marks sensitive data that left the environment', async () => {
    const row = { provider_id: 'p1', provider_name: 'openai', trust_tier: 'external', region: 'us', retention_days: 30, trains_on_data: false, zero_data_retention: false, left_environment: true, requests: 2, input_tokens: 10, output_tokens: 5 };
    routeFetch({
      ...lookups,
      [`GET ${REPORTS}/egress`]: () =>
        json(200, { from: '2026-11-01', to: '2026-11-29', rows: [{ ...row, data_class: 'public' }, { ...row, data_class: 'pii', requests: 7 }], totals: { requests: 9, input_tokens: 20, output_tokens: 10 } }),
    });
    renderPage(<EgressPage />, 'reports/egress');
    const table = await screen.findByRole('table', { name: 'Egress by provider and data class' });
    expect(within(table).getAllByText('30 days')).toHaveLength(2);
    const stat = screen.getByText('Sensitive requests that left').parentElement!;
    expect(stat).toHaveTextContent('7');
  });
});

describe('burn rate', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('lists budgets that run out first, with the projected date', async () => {
    const base = { scope: 'org', scope_id: TEST_ORG, period: 'monthly', period_start: '2026-11-01T00:00:00Z', period_end: '2026-12-01T00:00:00Z', velocity_usd_per_hour: '0.10' };
    routeFetch({
      ...lookups,
      [`GET /api/v1/orgs/${TEST_ORG}/budgets`]: empty,
      [`GET ${REPORTS}/burn-rate`]: () =>
        json(200, {
          generated_at: '2026-11-20T00:00:00Z',
          trailing_window_hours: 24,
          items: [
            { ...base, budget_id: 'b1', amount_usd: '100', spent_usd: '10', projected_spend_usd: '40', projected_exhaustion_at: null, exhausts_before_period_end: false },
            { ...base, budget_id: 'b2', scope: 'team', scope_id: 'team-x', amount_usd: '50', spent_usd: '45', projected_spend_usd: '80', projected_exhaustion_at: '2026-11-30T12:00:00Z', exhausts_before_period_end: true },
          ],
        }),
    });
    renderPage(<BurnRatePage />, 'reports/burn-rate');
    const table = await screen.findByRole('table', { name: 'Burn rate by budget' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('$45.00 of $50.00');
    expect(rows[0]).toHaveTextContent(new Date('2026-11-30T12:00:00Z').toLocaleString());
    expect(rows[1]).toHaveTextContent('The whole organization · monthly');
    expect(rows[1]).toHaveTextContent('not this period');
  });
});
