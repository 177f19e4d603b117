import { describe, expect, it } from 'vitest';
import { ApiError, describeError, fieldErrors, fromResponse, humanField } from './errors';

describe('fromResponse', () => {
  it('reads the admin API error body', () => {
    const e = fromResponse(400, { error: { code: 'validation_failed', message: 'amount_usd: must be greater than zero', fields: [{ field: 'amount_usd', message: 'must be greater than zero' }] } });
    expect(e.code).toBe('validation_failed');
    expect(e.fields).toEqual([{ field: 'amount_usd', message: 'must be greater than zero' }]);
    expect(fieldErrors(e)).toEqual({ amount_usd: 'must be greater than zero' });
  });

  it('copes with bodies that are not the API shape', () => {
    expect(fromResponse(502, '<html>bad gateway</html>').code).toBe('internal_error');
    expect(fromResponse(418, null).code).toBe('unexpected_response');
    expect(fromResponse(400, { error: { code: 'validation_failed', message: 'x', fields: [{ nope: 1 }] } }).fields).toEqual([]);
  });
});

describe('describeError', () => {
  it('lists validation problems with readable field names', () => {
    const d = describeError(new ApiError(400, 'validation_failed', 'the request has invalid fields', [
      { field: 'document.matrix.pii.simple[0]', message: 'no model named nope' },
      { field: 'amount_usd', message: 'must be greater than zero' },
    ]));
    expect(d.title).toMatch(/correct/i);
    expect(d.message).toBe('matrix › pii › simple › #1: no model named nope; amount usd: must be greater than zero');
  });

  it('explains forbidden with the reason the API gave', () => {
    const d = describeError(new ApiError(403, 'forbidden', 'your role does not allow this: manage keys'));
    expect(d.message).toBe('Your role does not allow this (manage keys). Ask an owner or admin of the organization.');
  });

  it('turns network failures, expiry, not-found and server errors into sentences', () => {
    expect(describeError(new ApiError(0, 'network_error', 'Failed to fetch')).message).toMatch(/did not answer/);
    expect(describeError(new ApiError(401, 'session_expired', 'x')).title).toBe('Session expired');
    expect(describeError(new ApiError(404, 'not_found', 'not found')).message).toMatch(/does not exist any more/);
    expect(describeError(new ApiError(500, 'internal_error', 'internal error; the cause has been logged')).message).toMatch(/logs/);
    expect(describeError(new ApiError(409, 'conflict', 'the policy was changed by someone else')).message).toBe('The policy was changed by someone else.');
    expect(describeError(new Error('boom')).message).toBe('boom');
  });

  it('makes field paths readable', () => {
    expect(humanField('document.redaction.entities[2]')).toBe('redaction › entities › #3');
  });
});
