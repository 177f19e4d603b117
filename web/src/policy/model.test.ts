import { describe, expect, it } from 'vitest';
import { cellOfField, cellProblems, setCell, type TrustTier } from './model';

const tiers = new Map<string, TrustTier>([
  ['gpt-4o', 'external'],
  ['llama-local', 'local'],
  ['azure-4o', 'private'],
]);

describe('setCell', () => {
  it('replaces one cell and removes empty cells and rows', () => {
    const m = setCell({ public: { simple: ['a'] } }, 'pii', 'complex', ['llama-local']);
    expect(m).toEqual({ public: { simple: ['a'] }, pii: { complex: ['llama-local'] } });
    expect(setCell(m, 'pii', 'complex', [])).toEqual({ public: { simple: ['a'] } });
  });
});

describe('cellProblems', () => {
  it('flags external models for personal data and unknown models, under the default trust', () => {
    const p = cellProblems({ matrix: { public: { simple: ['gpt-4o'] }, pii: { simple: ['gpt-4o', 'llama-local'], complex: ['nope'] }, secret: { simple: ['azure-4o'] } } }, tiers);
    expect(p).toEqual({
      'pii.simple': 'gpt-4o runs on a external provider, which may not receive pii data',
      'pii.complex': 'no model named nope',
      'secret.simple': 'azure-4o runs on a private provider, which may not receive secret data',
    });
  });

  it('follows the document trust section and redaction like the API', () => {
    expect(cellProblems({ matrix: { pii: { simple: ['gpt-4o'] } }, trust: { external: ['public', 'pii'] } }, tiers)).toEqual({});
    expect(cellProblems({ matrix: { pii: { simple: ['gpt-4o'] } }, redaction: { enabled: true } }, tiers)).toEqual({});
    expect(cellProblems({ matrix: { public: { simple: ['gpt-4o'] } }, trust: { external: [] } }, tiers)).toEqual({
      'public.simple': 'gpt-4o runs on a external provider, which may not receive public data',
    });
  });

  it('maps API field paths to cells', () => {
    expect(cellOfField('document.matrix.pii.simple[0]')).toBe('pii.simple');
    expect(cellOfField('document.default_model')).toBeNull();
  });
});
