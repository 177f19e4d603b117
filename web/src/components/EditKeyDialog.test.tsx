import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '../api/client';
import { session } from '../api/session';
import { json, mockFetch, renderUi } from '../test/render';
import { csvColumns } from './DataTable';
import { EditKeyDialog } from './EditKeyDialog';

const KEY: Schemas['Key'] = {
  id: 'k1', org_id: 'o1', team_id: 't1', name: 'bot', display_prefix: 'sk-sluice-Ab', last4: '1234', allowed_models: ['demo-small'], allowed_endpoints: ['chat'],
  metadata: {}, status: 'active', secrets_in_grace: 0, expires_at: null, created_at: '', updated_at: '',
};

describe('EditKeyDialog', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('renames, widens the scopes to everything and sends null for "no restriction"', async () => {
    const seen = mockFetch(() => json(200, KEY));
    const onSaved = vi.fn();
    renderUi(<EditKeyDialog orgId="o1" keyRow={KEY} models={['demo-small']} onClose={() => {}} onSaved={onSaved} />);
    const name = screen.getByRole('textbox', { name: /Name/ });
    await userEvent.clear(name);
    await userEvent.click(screen.getByRole('button', { name: 'Save key' }));
    expect(screen.getByText(/Give the key a name/)).toBeInTheDocument();
    expect(seen).toHaveLength(0);
    await userEvent.type(name, 'support-bot');
    // Backspace in an empty tag input removes the last tag: the key may then use any model.
    const models = screen.getByLabelText('Allowed models', { selector: 'input:not([type="hidden"])' });
    await userEvent.click(models);
    await userEvent.keyboard('{Backspace}');
    await userEvent.click(screen.getByRole('button', { name: 'Save key' }));
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(seen[0].method).toBe('PATCH');
    expect(new URL(seen[0].url).pathname).toBe('/api/v1/orgs/o1/keys/k1');
    expect(await seen[0].json()).toEqual({ name: 'support-bot', allowed_endpoints: ['chat'], allowed_models: null, expires_at: null });
  });
});

describe('csvColumns', () => {
  it('exports the columns that have a value, under their CSV header', () => {
    const cols = csvColumns<{ a: number }>([
      { header: 'A', cell: (r) => r.a, csvHeader: 'a', csv: (r) => r.a },
      { header: 'Actions', cell: () => 'x' },
      { header: 'only_csv', csv: () => 'y' },
    ]);
    expect(cols.map((c) => c.header)).toEqual(['a', 'only_csv']);
    expect(cols[1].value({ a: 1 })).toBe('y');
  });
});
