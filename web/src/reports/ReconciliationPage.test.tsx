import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { session } from '../api/session';
import { TEST_ORG, json, meBody, renderPage, routeFetch } from '../test/render';
import { ReconciliationPage } from './ReconciliationPage';

const finding = { provider: 'demo', model: 'demo-small', day: '2026-11-29', token_type: 'input', scope: null, invoice_lines: 1 };
const REPORT = {
  from: '2026-11-01',
  to: '2026-11-29',
  providers: ['demo'],
  tolerance: { relative: '0.005', absolute_usd: '0.01', absolute_tokens: 0 },
  totals: { ledger_amount_usd: '0.50', ledger_charged_usd: '0.50', invoice_amount_usd: '0.90', amount_difference_usd: '0.40', by_class: [{ class: 'matched', findings: 1, amount_difference_usd: '0' }, { class: 'price_mismatch', findings: 1, amount_difference_usd: '0.40' }] },
  findings: [
    { ...finding, class: 'price_mismatch', token_type: 'output', ledger_quantity: 100, invoice_quantity: 100, quantity_difference: 0, ledger_amount_usd: '0.10', invoice_amount_usd: '0.50', amount_difference_usd: '0.40' },
    { ...finding, class: 'matched', ledger_quantity: 200, invoice_quantity: 200, quantity_difference: 0, ledger_amount_usd: '0.40', invoice_amount_usd: '0.40', amount_difference_usd: '0' },
  ],
};
const RECON = `/api/v1/orgs/${TEST_ORG}/billing/reconciliation`;
const providers = () => json(200, { items: [{ id: 'p1', name: 'demo', kind: 'demo', base_url: 'http://127.0.0.1/demo', trust_tier: 'local', data_terms: { trains_on_data: false, zero_data_retention: true }, has_credentials: false, enabled: true, created_at: '', updated_at: '' }] });

describe('reconciliation', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('shows totals and findings, and can hide the matched ones', async () => {
    routeFetch({ 'GET /api/v1/me': () => json(200, meBody('viewer')), [`GET ${RECON}`]: () => json(200, REPORT), 'GET /api/v1/providers': providers });
    renderPage(<ReconciliationPage />, 'reports/reconciliation');
    const table = await screen.findByRole('table', { name: 'Reconciliation findings' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('price mismatch')).toBeInTheDocument();
    expect(screen.getByText('$0.40', { selector: 'p' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('switch', { name: 'Mismatches only' }));
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    // A viewer reads findings but cannot import.
    expect(screen.queryByRole('button', { name: 'Import' })).toBeNull();
  });

  it('imports a CSV invoice for an admin and reloads the findings', async () => {
    let reads = 0;
    const seen = routeFetch({
      'GET /api/v1/me': () => json(200, meBody('admin')),
      'GET /api/v1/providers': providers,
      [`GET ${RECON}`]: () => (reads++ === 0 ? json(200, { ...REPORT, providers: [], findings: [], totals: { ...REPORT.totals, by_class: [] } }) : json(200, REPORT)),
      [`POST /api/v1/orgs/${TEST_ORG}/billing/invoice-imports`]: () => json(201, { id: 'i1', provider: 'demo', format: 'csv', lines_total: 2, lines_new: 2, created: true, created_at: '2026-11-29T10:00:00Z' }),
    });
    renderPage(<ReconciliationPage />, 'reports/reconciliation');
    expect(await screen.findByText(/Nothing to compare/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(screen.getByText('Choose the provider the export comes from.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('combobox', { name: 'Invoice from (provider)' }));
    await userEvent.click(await screen.findByRole('option', { name: 'demo', hidden: true }));
    const csv = 'date,provider,model,token_type,quantity,amount_usd\n2026-11-29,demo,demo-small,input,200,0.40';
    await userEvent.click(screen.getByLabelText('Document'));
    await userEvent.paste(csv);
    await userEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Imported 2 lines (2 new) from demo.')).toBeInTheDocument();
    const post = seen.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({ provider: 'demo', format: 'csv', content: csv });
    await waitFor(() => expect(screen.getByRole('table', { name: 'Reconciliation findings' })).toBeInTheDocument());
  });
});
