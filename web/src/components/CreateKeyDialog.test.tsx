import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../api/session';
import { json, mockFetch, renderUi } from '../test/render';
import { CreateKeyDialog, validateKeyForm } from './CreateKeyDialog';

const ORG = '0190aaaa-0000-7000-8000-000000000001';
const TEAM = '0190aaaa-0000-7000-8000-000000000002';
const SECRET = 'sk-sluice-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg12345678';

function keyBody(extra: object = {}) {
  return {
    id: '0190aaaa-0000-7000-8000-000000000003', org_id: ORG, team_id: TEAM, name: 'support-bot', display_prefix: 'sk-sluice-AbCd', last4: '5678',
    allowed_models: [], allowed_endpoints: ['chat'], metadata: {}, status: 'active', secrets_in_grace: 0,
    created_at: '2026-11-30T10:00:00Z', updated_at: '2026-11-30T10:00:00Z', secret: SECRET, ...extra,
  };
}

describe('CreateKeyDialog', () => {
  beforeEach(() => session.start({ access_token: 'token-1', refresh_token: 'refresh-1', expires_in: 900 }));

  it('validates before sending', async () => {
    const seen = mockFetch(() => json(500, {}));
    renderUi(<CreateKeyDialog orgId={ORG} teams={[{ id: TEAM, name: 'Support' }, { id: 'other', name: 'Other' }]} models={[]} opened onClose={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText(/Give the key a name/)).toBeInTheDocument();
    expect(screen.getByText(/Choose the team/)).toBeInTheDocument();
    expect(seen).toHaveLength(0);
    expect(validateKeyForm({ name: 'x', teamId: TEAM, endpoints: [], models: [], expiresAt: '2020-01-01T00:00' })).toEqual({ expires_at: 'The expiry must be in the future.' });
  });

  it('creates the key once and shows the secret with a warning and a copy button', async () => {
    const seen = mockFetch(() => json(201, keyBody()));
    const onCreated = vi.fn();
    const onClose = vi.fn();
    renderUi(<CreateKeyDialog orgId={ORG} teams={[{ id: TEAM, name: 'Support' }]} models={['demo-small']} opened onClose={onClose} onCreated={onCreated} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'support-bot');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));

    expect(await screen.findByTestId('key-secret')).toHaveTextContent(SECRET);
    expect(screen.getByText('Copy this secret now')).toBeInTheDocument();
    expect(screen.getByText(/only time Sluice shows it/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(onCreated).toHaveBeenCalledOnce();

    expect(seen).toHaveLength(1);
    const req = seen[0];
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe(`/api/v1/orgs/${ORG}/keys`);
    expect(req.headers.get('authorization')).toBe('Bearer token-1');
    expect(req.headers.get('idempotency-key')).toBeTruthy();
    expect(await req.json()).toEqual({ name: 'support-bot', team_id: TEAM, allowed_endpoints: [], allowed_models: [], expires_at: null });

    // Escape does not dismiss the secret; only the explicit button does.
    await userEvent.keyboard('{Escape}');
    expect(screen.getByTestId('key-secret')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('shows API field errors next to the field', async () => {
    mockFetch(() => json(400, { error: { code: 'validation_failed', message: 'name: already used', fields: [{ field: 'name', message: 'a key with this name already exists in the team' }] } }));
    renderUi(<CreateKeyDialog orgId={ORG} teams={[{ id: TEAM, name: 'Support' }]} models={[]} opened onClose={() => {}} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'dup');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText('a key with this name already exists in the team')).toBeInTheDocument();
  });

  it('says when a replayed response carries no secret', async () => {
    mockFetch(() => json(201, keyBody({ secret: null })));
    renderUi(<CreateKeyDialog orgId={ORG} teams={[{ id: TEAM, name: 'Support' }]} models={[]} opened onClose={() => {}} />);
    await userEvent.type(screen.getByRole('textbox', { name: /Name/ }), 'support-bot');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(screen.getByText('The secret is not available')).toBeInTheDocument());
  });
});
