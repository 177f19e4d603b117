// End-to-end test of the console against a real `sluice up` (embedded PostgreSQL, demo
// provider), driving Debian's chromium through playwright-core. Run by scripts/test-web.sh;
// alone: `SLUICE_BIN=path/to/sluice node e2e/run.mjs` after `npm run build` and a cargo build.
//
// Screenshots of each main screen go to e2e/screenshots/ (gitignored; CI keeps them as artifacts).

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, 'screenshots');
mkdirSync(shots, { recursive: true });
const BIN = process.env.SLUICE_BIN ?? join(here, '../../target/debug/sluice');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const started = Date.now();

function log(step) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${step}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function until(what, fn, timeoutMs = 20_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

// --- sluice up -------------------------------------------------------------------------------
const [adminPort, gatewayPort] = [await freePort(), await freePort()];
// Under /tmp and world-traversable: as root, the embedded PostgreSQL runs as `postgres`.
const data = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
chmodSync(data, 0o755);
const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', RUST_LOG: 'warn' };
const sluice = spawn(BIN, ['up', '--admin-addr', `127.0.0.1:${adminPort}`, '--gateway-addr', `127.0.0.1:${gatewayPort}`, '--data-dir', data], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
sluice.stdout.on('data', (d) => (output += d));
sluice.stderr.on('data', (d) => (output += d));
let browser;
let page;

async function shutdown() {
  preview?.kill('SIGTERM');
  await browser?.close().catch(() => {});
  if (sluice.exitCode === null) {
    sluice.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        sluice.kill('SIGKILL');
        r();
      }, 15_000);
      sluice.on('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  rmSync(data, { recursive: true, force: true });
}

const ADMIN = `http://127.0.0.1:${adminPort}`;
let UI = ADMIN;
let preview;
const GATEWAY = `http://127.0.0.1:${gatewayPort}/v1`;

try {
  const password = await until('the admin password', () => /admin password:\s+(\S+)/.exec(output)?.[1], 120_000);
  await until('the admin API', async () => (await fetch(`${ADMIN}/readyz`)).ok, 60_000);
  log('sluice up is ready');

  // E2E_PREVIEW=1 (development only): serve web/dist with `vite preview`, proxying /api to this
  // sluice, so console changes are tested without rebuilding the binary that embeds them.
  if (process.env.E2E_PREVIEW) {
    const port = await freePort();
    preview = spawn(join(here, '../node_modules/.bin/vite'), ['preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: join(here, '..'), env: { ...process.env, SLUICE_ADMIN: ADMIN }, stdio: 'ignore' });
    UI = `http://127.0.0.1:${port}`;
    await until('vite preview', async () => (await fetch(`${UI}/console/`)).ok, 30_000);
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  page.setDefaultTimeout(20_000);
  const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  // --- login -----------------------------------------------------------------------------------
  await page.goto(process.env.E2E_PREVIEW ? `${UI}/console/` : `${UI}/`);
  await page.getByRole('heading', { name: 'Sluice console' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/console/login');
  await page.getByLabel('E-mail').fill('admin@sluice.local');
  await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('The e-mail address or the password is wrong.').waitFor();
  await shot('01-login-error');
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Demo' }).waitFor();
  const orgPath = new URL(page.url()).pathname; // /console/orgs/<id>
  const orgId = orgPath.split('/')[3];
  log(`logged in; org ${orgId}`);
  await page.getByText('Requests (chat)').waitFor();
  await shot('02-overview-empty');

  // --- team ------------------------------------------------------------------------------------
  await page.getByRole('link', { name: 'Teams & members' }).click();
  await page.getByRole('button', { name: 'Create team' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('E2E Team');
  await page.getByRole('dialog').getByRole('button', { name: 'Create team' }).click();
  await page.getByRole('link', { name: 'E2E Team' }).waitFor();
  await shot('03-teams');
  log('team created');

  // --- key -------------------------------------------------------------------------------------
  await page.getByRole('link', { name: 'Virtual keys' }).click();
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await dialog.getByText('Give the key a name').waitFor(); // validation before sending
  await dialog.getByLabel('Name').fill('e2e-key');
  await dialog.getByRole('combobox', { name: 'Team' }).click();
  await page.getByRole('option', { name: 'E2E Team' }).click();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('key-secret').textContent()).trim();
  assert.match(secret, /^sk-sluice-/);
  await page.getByText('Copy this secret now').waitFor();
  await shot('04-key-secret');
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await page.getByTestId('key-row-e2e-key').waitFor();
  const row = await page.getByTestId('key-row-e2e-key').textContent();
  assert.ok(row.includes(secret.slice(-4)), 'the list shows the last 4 characters');
  assert.ok(!row.includes(secret), 'the list never shows the secret');
  await shot('05-keys');
  log('key created');

  // --- edit the key's scopes after creation ---------------------------------------------------
  await page.getByTestId('key-row-e2e-key').getByRole('button', { name: 'Edit' }).click();
  const editKey = page.getByRole('dialog');
  await editKey.locator('.mantine-MultiSelect-input').click();
  await page.getByRole('option', { name: 'Chat completions' }).click();
  await editKey.getByText('Edit key "e2e-key"').click(); // closes the option list
  await editKey.getByRole('button', { name: 'Save key' }).click();
  await page.getByTestId('key-row-e2e-key').getByText('endpoints: chat').waitFor();
  await shot('05b-key-edited');
  log('key scopes edited');

  // --- the key through the gateway ----------------------------------------------------------------
  const chat = () =>
    fetch(`${GATEWAY}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-small', messages: [{ role: 'user', content: 'Hello from the console e2e test' }] }),
    });
  const answered = await until('the gateway to accept the new key', async () => ((await chat()).status === 200 ? true : false), 15_000);
  assert.ok(answered);
  log('gateway answered with the key');

  // --- the request appears in the overview (ledger) ----------------------------------------------
  await page.getByRole('link', { name: 'Overview' }).click();
  await until(
    'the request in the overview',
    async () => {
      await page.reload();
      const stat = page.locator('div', { has: page.getByText('Requests (chat)', { exact: true }) }).last();
      const text = await stat.textContent({ timeout: 5000 });
      return /Requests \(chat\)\s*[1-9]/.test(text);
    },
    45_000,
    1500,
  );
  await shot('06-overview-with-traffic');
  log('request visible in the overview');

  // --- the same request in the reports (daily roll-ups kept by the ledger's trigger) ----------
  const todayUtc = new Date().toISOString().slice(0, 10);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage & spend' }).click();
  const usage = page.getByRole('table', { name: 'Usage by day' });
  await until('the request in the usage report', async () => ((await usage.textContent({ timeout: 5000 })) ?? '').includes(todayUtc), 20_000, 1000);
  await shot('06b-usage-report');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Savings' }).click();
  await page.getByRole('heading', { name: 'Savings' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Egress' }).click();
  const egress = page.getByRole('table', { name: 'Egress by provider and data class' });
  await until('the demo provider in the egress report', async () => ((await egress.textContent({ timeout: 5000 })) ?? '').includes('demo'), 20_000, 1000);
  await shot('06c-egress-report');
  log('request visible in the usage and egress reports');

  // --- budget ----------------------------------------------------------------------------------
  await page.getByRole('link', { name: 'Budgets & rate limits' }).click();
  await page.getByRole('button', { name: 'Add budget' }).click();
  const budget = page.getByRole('dialog');
  await budget.getByRole('combobox', { name: 'Applies to' }).click();
  await page.getByRole('option', { name: 'E2E Team' }).click();
  await budget.getByLabel('Amount (USD)').fill('12,50');
  await budget.getByRole('button', { name: 'Save budget' }).click();
  await budget.getByText('Use digits with an optional decimal point').waitFor();
  await budget.getByLabel('Amount (USD)').fill('12.50');
  await budget.getByRole('button', { name: 'Save budget' }).click();
  await page.getByRole('cell', { name: 'Team E2E Team' }).waitFor();
  await page.getByRole('cell', { name: '$12.50' }).waitFor();
  await shot('07-budgets');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Burn rate' }).click();
  await page.getByRole('table', { name: 'Burn rate by budget' }).getByText('E2E Team', { exact: false }).first().waitFor();
  await shot('07b-burn-rate');
  log('the budget has a burn-rate forecast');
  log('budget set');

  // --- policy ----------------------------------------------------------------------------------
  await page.getByRole('link', { name: 'Routing policy' }).click();
  const cell = page.locator('input[aria-label="Models for public data, reasoning tasks"]');
  await cell.click();
  await cell.fill('demo-frontier');
  await cell.press('Enter');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByText('Policy saved.').waitFor();
  await until('revision 2', async () => (await page.getByText('Organization policy, revision').textContent()).includes('2'));
  await page.getByLabel('Prompt').fill('Refund the customer to IBAN DE89 3704 0044 0532 0130 00 today');
  await page.getByRole('button', { name: 'Explain' }).click();
  await page.getByTestId('explain-result').getByText('pii', { exact: true }).waitFor();
  await page.getByTestId('explain-result').getByText('iban', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Run what-if' }).click();
  await page.getByTestId('what-if-report').waitFor();
  await shot('08-policy');
  log('policy edited (revision 2), prompt explained, what-if ran');

  // --- a team override in the matrix editor ------------------------------------------------------
  await page.getByRole('button', { name: 'Add override' }).click();
  const override = page.getByRole('dialog');
  await override.getByRole('combobox', { name: 'Applies to' }).click();
  await page.getByRole('option', { name: 'E2E Team' }).click();
  const overrideCell = override.locator('input[aria-label="Models for public data, simple tasks"]');
  await overrideCell.click();
  await overrideCell.fill('demo-frontier');
  await overrideCell.press('Enter');
  await override.getByText('Empty cells inherit').click(); // closes the option list
  await page.screenshot({ path: join(shots, '08b-policy-override-editor.png') }); // the dialog as seen, not the page under it
  await override.getByRole('button', { name: 'Save override' }).click();
  await page.getByRole('table', { name: 'Policy overrides' }).getByText('matrix: public × simple').waitFor();
  await page.getByRole('table', { name: 'Policy overrides' }).getByText('Team E2E Team').waitFor();
  await shot('08c-policy-overrides');
  log('team override saved from the matrix editor');

  // --- revoke ----------------------------------------------------------------------------------
  await page.getByRole('link', { name: 'Virtual keys' }).click();
  await page.getByTestId('key-row-e2e-key').getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
  await page.getByText('No keys match').or(page.getByTestId('key-row-e2e-key').getByText('revoked')).first().waitFor();
  const refused = await until('the gateway to refuse the revoked key', async () => ((await chat()).status === 401 ? true : false), 15_000);
  assert.ok(refused);
  log('revoked key refused by the gateway (401)');

  // --- audit, alerts, providers ----------------------------------------------------------------
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByText('key.revoke').first().waitFor();
  await page.getByText('key.create').first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export CSV/ }).click()]);
  assert.equal(download.suggestedFilename(), 'audit-log.csv');
  await shot('09-audit-log');
  await page.getByRole('link', { name: 'Alerts' }).click();
  await page.getByRole('heading', { name: 'Budget alerts' }).waitFor();
  await shot('10-alerts');
  await page.getByRole('link', { name: 'Providers & models' }).click();
  await page.getByRole('cell', { name: 'demo-small' }).first().waitFor();
  await shot('11-providers-models');

  // --- register a provider and a model with its first price; see the price versions -------------
  await page.getByRole('button', { name: 'Register provider' }).click();
  const prov = page.getByRole('dialog', { name: 'Register a provider' });
  await prov.getByRole('textbox', { name: 'Name' }).fill('e2e-local');
  await prov.getByRole('textbox', { name: 'Base URL' }).fill('http://127.0.0.1:9/v1');
  await prov.getByRole('button', { name: 'Save provider' }).click();
  await prov.getByText('Only local providers may use plain http.').waitFor(); // checked before sending
  await prov.getByRole('combobox', { name: 'Trust tier' }).click();
  await page.getByRole('option', { name: /^local/ }).click();
  await prov.getByRole('textbox', { name: 'Region' }).fill('on-prem');
  await prov.getByLabel('API key').fill('sk-e2e-upstream-secret');
  await prov.getByRole('button', { name: 'Save provider' }).click();
  const provRow = page.getByRole('row', { name: /e2e-local/ });
  await provRow.getByText('stored (write-only)').waitFor();
  assert.ok(!(await page.content()).includes('sk-e2e-upstream-secret'), 'the provider credential is never shown');
  await page.getByRole('button', { name: 'Register model' }).click();
  const mdl = page.getByRole('dialog', { name: 'Register a model' });
  await mdl.getByRole('combobox', { name: 'Provider' }).click();
  await page.getByRole('option', { name: 'e2e-local (local)' }).click();
  await mdl.getByRole('textbox', { name: 'Name', exact: true }).fill('e2e-llama');
  await mdl.getByRole('textbox', { name: 'Upstream name' }).fill('llama3');
  await mdl.getByRole('textbox', { name: /Input price/ }).fill('0.10');
  await mdl.getByRole('textbox', { name: /Output price/ }).fill('0.20');
  await mdl.getByRole('button', { name: 'Save model' }).click();
  const mdlRow = page.getByRole('row', { name: /e2e-llama/ });
  await mdlRow.getByText('$0.10').waitFor();
  await mdlRow.getByRole('button', { name: 'Prices' }).click();
  await page.getByRole('dialog').getByRole('table', { name: 'Price versions' }).getByText('$0.20').waitFor();
  await shot('11b-model-prices');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  log('provider (write-only key) and model with a price registered');

  // --- org settings: prompt logging ------------------------------------------------------------
  await page.getByRole('link', { name: 'Organization settings' }).click();
  await page.getByRole('switch', { name: /prompt logging/ }).click({ force: true });
  await page.getByText('will be stored with every request').waitFor();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  await shot('15-org-settings');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByText('org.update').first().waitFor();
  log('prompt logging turned on (audited)');

  // --- reconciliation: import a small CSV invoice, then see findings ---------------------------
  await page.getByRole('link', { name: 'Reconciliation' }).click();
  await page.getByRole('heading', { name: 'Invoice reconciliation' }).waitFor();
  const today = new Date().toISOString().slice(0, 10);
  await page.getByRole('combobox', { name: 'Invoice from (provider)' }).click();
  await page.getByRole('option', { name: 'demo', exact: true }).click();
  await page.getByLabel('Document').fill(`date,provider,model,token_type,quantity,amount_usd\n${today},demo,demo-small,input,1,\n${today},demo,demo-small,output,1,\n`);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText('Imported 2 lines (2 new) from demo.').waitFor();
  const findings = page.getByRole('table', { name: 'Reconciliation findings' });
  await findings.getByText('demo-small').first().waitFor();
  await findings.getByText('quantity mismatch').first().waitFor();
  await shot('16-reconciliation');
  log('invoice imported; reconciliation findings shown');

  // --- platform admin: organizations and users ----------------------------------------------------
  await page.getByRole('link', { name: 'Organizations' }).click();
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('dialog').getByRole('textbox', { name: 'Name' }).fill('E2E Org');
  await page.getByRole('dialog').getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'Organization settings' }).waitFor();
  await page.getByRole('textbox', { name: 'Name' }).and(page.locator('[value="E2E Org"]')).waitFor();
  await page.getByRole('link', { name: 'Organizations' }).click();
  await page.getByRole('link', { name: 'E2E Org' }).waitFor();
  await shot('17-platform-orgs');
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('cell', { name: 'admin@sluice.local' }).waitFor();
  await shot('18-platform-users');
  await page.goto(`${UI}/console/orgs/${orgId}`);
  await page.getByRole('heading', { name: 'Demo' }).waitFor();
  log('platform admin created an organization; users listed');

  // --- narrow window ---------------------------------------------------------------------------
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('link', { name: 'Virtual keys' }).click();
  await page.getByRole('heading', { name: 'Virtual keys' }).waitFor();
  await shot('12-keys-narrow');
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('link', { name: 'Reconciliation' }).click();
  await page.getByRole('table', { name: 'Reconciliation findings' }).waitFor();
  await shot('12b-reconciliation-narrow');
  await page.setViewportSize({ width: 1366, height: 900 });

  // --- a viewer sees no edit buttons -----------------------------------------------------------
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('sluice.session')).access);
  const viewerPassword = 'viewer-password-123';
  const added = await fetch(`${ADMIN}/api/v1/orgs/${orgId}/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'viewer@example.com', password: viewerPassword, role: 'viewer' }),
  });
  assert.equal(added.status, 201, await added.text());
  const viewer = await (await browser.newContext()).newPage();
  viewer.setDefaultTimeout(20_000);
  await viewer.goto(`${UI}/console/login`);
  await viewer.getByLabel('E-mail').fill('viewer@example.com');
  await viewer.getByRole('textbox', { name: 'Password' }).fill(viewerPassword);
  await viewer.getByRole('button', { name: 'Log in' }).click();
  await viewer.getByRole('heading', { name: 'Demo' }).waitFor();
  await viewer.getByRole('link', { name: 'Virtual keys' }).click();
  await viewer.getByRole('heading', { name: 'Virtual keys' }).waitFor();
  await viewer.getByRole('button', { name: 'Export CSV' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Create key' }).count(), 0);
  await viewer.getByRole('link', { name: 'Routing policy' }).click();
  await viewer.getByText('Model pools').waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Save policy' }).count(), 0);
  assert.equal(await viewer.locator('input[aria-label="Models for public data, simple tasks"]').count(), 0);
  await viewer.getByRole('link', { name: 'Budgets & rate limits' }).click();
  await viewer.getByRole('heading', { name: 'Budgets' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Add budget' }).count(), 0);
  await viewer.getByRole('link', { name: 'Routing policy' }).click();
  await viewer.getByRole('table', { name: 'Policy overrides' }).getByText('Team E2E Team').waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Add override' }).count(), 0);
  assert.equal(await viewer.getByRole('button', { name: 'Edit' }).count(), 0);
  await viewer.getByRole('link', { name: 'Organization settings' }).click();
  await viewer.getByRole('heading', { name: 'Organization settings' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Save settings' }).count(), 0);
  await viewer.getByRole('link', { name: 'Reconciliation' }).click();
  await viewer.getByRole('table', { name: 'Reconciliation findings' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Import', exact: true }).count(), 0);
  await viewer.getByRole('link', { name: 'Providers & models' }).click();
  await viewer.getByRole('heading', { name: 'Providers' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Register provider' }).count(), 0);
  assert.equal(await viewer.getByRole('link', { name: 'Users' }).count(), 0);
  await viewer.screenshot({ path: join(shots, '13-viewer-policy.png'), fullPage: true });
  log('viewer sees no edit buttons');

  // --- logout ----------------------------------------------------------------------------------
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You are logged out.').waitFor();
  const after = await fetch(`${ADMIN}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(after.status, 401, 'the session ends on the server too');
  await shot('14-logged-out');

  const offsite = requested.filter((u) => !u.startsWith(UI) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(offsite, [], 'the console requests nothing from elsewhere');
  log(`passed; screenshots in ${shots}`);
  await shutdown();
} catch (e) {
  console.error(e);
  await page?.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  console.error('--- sluice output (tail) ---\n' + output.slice(-4000));
  await shutdown();
  process.exit(1);
}
