import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import { session } from '../api/session';
import { TEST_ORG, json, meBody, renderPage, routeFetch } from '../test/render';
import { toWire } from './model';
import { Overrides, overrideSummary } from './Overrides';

const TEAM = '0190aaaa-0000-7000-8000-0000000000bb';
const policy = (extra: Partial<Schemas['Policy']>): Schemas['Policy'] => ({ id: 'p-org', org_id: TEST_ORG, document: toWire({ matrix: { public: { simple: ['demo-small'] } } }), revision: 1, created_at: '', updated_at: '', ...extra });
const tiers = { tiers: new Map([['demo-small', 'local' as const], ['gpt-4o', 'external' as const]]), names: ['demo-small', 'gpt-4o'], ready: true };

describe('policy overrides', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('summarises what an override changes', () => {
    expect(overrideSummary({ matrix: { pii: { simple: ['demo-small'] } }, redaction: { enabled: true, entities: [] } })).toEqual(['matrix: pii × simple', 'redaction on']);
    expect(overrideSummary({})).toEqual(['nothing (inherits everything)']);
  });

  it('edits an override in the matrix, warns before saving and shows the API refusal in the cell', async () => {
    const seen = routeFetch({
      'GET /api/v1/me': () => json(200, meBody('admin')),
      [`GET /api/v1/orgs/${TEST_ORG}/teams`]: () => json(200, { items: [{ id: TEAM, org_id: TEST_ORG, name: 'Support', slug: 'support', created_at: '', updated_at: '' }] }),
      [`GET /api/v1/orgs/${TEST_ORG}/keys`]: () => json(200, { items: [] }),
      [`PATCH /api/v1/orgs/${TEST_ORG}/routing-policies/p-team`]: () =>
        json(400, { error: { code: 'validation_failed', message: 'x', fields: [{ field: 'document.matrix.pii.complex[0]', message: 'gpt-4o may not receive pii data' }] } }),
    });
    const override = policy({ id: 'p-team', team_id: TEAM, document: toWire({ matrix: { public: { complex: ['demo-small'] } } }), revision: 3 });
    renderPage(<Overrides orgId={TEST_ORG} org={policy({})} overrides={[override]} editable models={tiers} />, 'policy');
    const table = screen.getByRole('table', { name: 'Policy overrides' });
    expect(await within(table).findByText('Team Support')).toBeInTheDocument();
    expect(within(table).getByText('matrix: public × complex')).toBeInTheDocument();

    await userEvent.click(within(table).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const cell = within(dialog).getByLabelText('Models for pii data, complex tasks', { selector: 'input:not([type="hidden"])' });
    await userEvent.type(cell, 'gpt-4o{Enter}');
    // The local trust check, before sending.
    expect(within(dialog).getByText('gpt-4o runs on a external provider, which may not receive pii data')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    expect(await within(dialog).findByText(/gpt-4o may not receive pii data/)).toBeInTheDocument();
    const patch = seen.find((r) => r.method === 'PATCH')!;
    expect(await patch.json()).toEqual({ document: { matrix: { public: { complex: ['demo-small'] }, pii: { complex: ['gpt-4o'] } } }, expected_revision: 3 });
  });

  it('shows no edit buttons when not editable', () => {
    routeFetch({ 'GET /api/v1/me': () => json(200, meBody('viewer')) });
    renderPage(<Overrides orgId={TEST_ORG} org={policy({})} overrides={[policy({ id: 'p-team', team_id: TEAM })]} editable={false} models={tiers} />, 'policy');
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add override' })).toBeNull();
  });
});
