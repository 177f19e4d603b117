import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { session } from '../api/session';
import { json, mockFetch, renderUi } from '../test/render';
import { TestPromptPanel, reasonText } from './TestPromptPanel';

describe('TestPromptPanel', () => {
  beforeEach(() => session.start({ access_token: 't', refresh_token: 'r', expires_in: 900 }));

  it('explains the draft policy and points at the detected entity in the prompt', async () => {
    const prompt = 'Refund to IBAN DE89 3704 0044 0532 0130 00';
    const seen = mockFetch(() =>
      json(200, {
        data_class: 'pii', complexity_score: 0.2, tier: 'simple', routable: false, model: null, pool: [], counterfactual_model: null,
        entities: [{ type: 'iban', segment: 0, start: 15, end: 42, confidence: 0.99 }],
        reasons: [{ kind: 'detected', entity: 'iban', count: 1 }, { kind: 'excluded_by_trust', model: 'gpt-4o', trust_tier: 'external' }],
        refusal: { code: 'data_policy_violation', message: 'personal data may not go to any model in the pool' },
      }),
    );
    renderUi(<TestPromptPanel orgId="o1" doc={{ matrix: { pii: { simple: ['gpt-4o'] } } }} models={['gpt-4o']} />);
    await userEvent.type(screen.getByLabelText('Prompt'), prompt);
    await userEvent.click(screen.getByRole('button', { name: 'Explain' }));
    expect(await screen.findByText('personal data may not go to any model in the pool')).toBeInTheDocument();
    expect(screen.getByText('DE89 3704 0044 0532 0130 00')).toBeInTheDocument();
    expect(screen.getByText('gpt-4o skipped: a external provider may not receive this data')).toBeInTheDocument();
    const body = await seen[0].json();
    expect(body).toMatchObject({ prompt, model: 'auto', budget_used_percent: null, document: { matrix: { pii: { simple: ['gpt-4o'] } } } });
  });

  it('words every kind of reason', () => {
    expect(reasonText({ kind: 'matrix', data_class: 'public', tier: 'simple' })).toBe('matrix cell public × simple');
    expect(reasonText({ kind: 'redacted', entities: [] })).toBe('masked before external providers: every entity');
    expect(reasonText({ kind: 'degraded', from: 'complex', to: 'simple', budget_used_percent: 85 })).toBe('budget 85 % used: complex → simple');
  });
});
