import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { session } from '../api/session';
import { TEST_ORG, json, meBody, renderPage, routeFetch } from '../test/render';
import { OrgSettingsPage } from './OrgSettingsPage';
import { UsersPage } from './UsersPage';

const ORG = { id: TEST_ORG, name: 'Demo', slug: 'demo', time_zone: 'UTC', quota_failure_mode: 'deny', prompt_logging: false, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z' };

describe('organization settings', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('turns prompt logging on with a warning, and sends only the settings', async () => {
    const seen = routeFetch({
      'GET /api/v1/me': () => json(200, meBody('admin')),
      [`GET /api/v1/orgs/${TEST_ORG}`]: () => json(200, ORG),
      [`PATCH /api/v1/orgs/${TEST_ORG}`]: () => json(200, { ...ORG, prompt_logging: true, updated_at: '2026-11-02T00:00:00Z' }),
    });
    renderPage(<OrgSettingsPage />, 'settings');
    await userEvent.click(await screen.findByRole('switch', { name: /prompt logging/ }));
    expect(screen.getByText(/Prompts \(as sent upstream, after redaction\) will be stored/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Settings saved.');
    const patch = seen.find((r) => r.method === 'PATCH')!;
    expect(await patch.json()).toEqual({ name: 'Demo', time_zone: 'UTC', quota_failure_mode: 'deny', prompt_logging: true });
    // Only owners archive.
    expect(screen.queryByRole('button', { name: 'Archive organization' })).toBeNull();
  });

  it('is read-only for a viewer', async () => {
    routeFetch({ 'GET /api/v1/me': () => json(200, meBody('viewer')), [`GET /api/v1/orgs/${TEST_ORG}`]: () => json(200, ORG) });
    renderPage(<OrgSettingsPage />, 'settings');
    expect(await screen.findByRole('switch', { name: /prompt logging/ })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save settings' })).toBeNull();
  });

  it('validates the name before sending', async () => {
    const seen = routeFetch({ 'GET /api/v1/me': () => json(200, meBody('owner')), [`GET /api/v1/orgs/${TEST_ORG}`]: () => json(200, ORG) });
    renderPage(<OrgSettingsPage />, 'settings');
    await userEvent.clear(await screen.findByRole('textbox', { name: 'Name' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText('Give the organization a name.')).toBeInTheDocument();
    expect(seen.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Archive organization' })).toBeInTheDocument();
  });
});

describe('users', () => {
  beforeEach(() => session.start({ access_token: 'tok', refresh_token: 'r', expires_in: 900 }));

  it('adds an existing account to an organization with a role', async () => {
    const user = { id: 'u2', email: 'b@example.com', display_name: 'B', is_platform_admin: false, disabled: false, created_at: '', updated_at: '' };
    const seen = routeFetch({
      'GET /api/v1/me': () => json(200, meBody('platform')),
      'GET /api/v1/users': () => json(200, { items: [user] }),
      'GET /api/v1/orgs': () => json(200, { items: [ORG] }),
      [`POST /api/v1/orgs/${TEST_ORG}/members`]: () => json(201, { user_id: 'u2', email: user.email, display_name: 'B', role: 'admin', created_at: '' }),
    });
    renderPage(<UsersPage />, 'users');
    const row = (await screen.findByText('b@example.com')).closest('tr')!;
    await userEvent.click(within(row).getByRole('button', { name: 'Add to organization' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add to organization' }));
    expect(within(dialog).getByText('Choose an organization.')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'Organization' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Demo', hidden: true }));
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'Role' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Admin (manages everything)', hidden: true }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add to organization' }));
    await screen.findByText('b@example.com');
    const post = seen.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({ user_id: 'u2', role: 'admin' });
  });
});
