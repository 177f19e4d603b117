// Admin API failures in words a person understands. Every admin API error body is
// `{"error": {code, message, fields?}}`; network failures and unexpected bodies are covered too.

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldProblem[];

  constructor(status: number, code: string, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** Builds an ApiError from a response status and its (possibly absent or non-JSON) body. */
export function fromResponse(status: number, body: unknown): ApiError {
  const detail = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  if (detail && typeof detail.code === 'string') {
    const fields = Array.isArray(detail.fields)
      ? detail.fields.filter((f): f is FieldProblem => typeof f?.field === 'string' && typeof f?.message === 'string')
      : [];
    return new ApiError(status, detail.code, typeof detail.message === 'string' ? detail.message : detail.code, fields);
  }
  return new ApiError(status, status >= 500 ? 'internal_error' : 'unexpected_response', `HTTP ${status}`);
}

export const NETWORK_ERROR = 'network_error';
export const SESSION_EXPIRED = 'session_expired';
/** A report endpoint answered 404: an older server without it, or the org is gone. */
export const REPORT_UNAVAILABLE = 'report_unavailable';

export interface Described {
  title: string;
  message: string;
  fields: FieldProblem[];
}

/** A title and a sentence for any error thrown by an API call. */
export function describeError(error: unknown): Described {
  if (!(error instanceof ApiError)) {
    return { title: 'Something went wrong', message: error instanceof Error ? error.message : String(error), fields: [] };
  }
  const { code, fields } = error;
  const said = error.message;
  switch (code) {
    case NETWORK_ERROR:
      return { title: 'Cannot reach Sluice', message: 'The admin API did not answer. Check that Sluice is running and that you are online, then try again.', fields };
    case SESSION_EXPIRED:
    case 'unauthorized':
      return { title: 'Session expired', message: 'Your session has ended. Log in again to continue.', fields };
    case 'forbidden':
      return { title: 'Not allowed', message: `Your role does not allow this${said.includes(':') ? ` (${said.slice(said.indexOf(':') + 1).trim()})` : ''}. Ask an owner or admin of the organization.`, fields };
    case 'not_found':
      return { title: 'Not found', message: 'It does not exist any more, or it belongs to an organization you are not a member of.', fields };
    case 'validation_failed':
      return {
        title: 'Please correct the highlighted fields',
        message: fields.length ? fields.map((f) => `${humanField(f.field)}: ${f.message}`).join('; ') : said,
        fields,
      };
    case 'conflict':
      return { title: 'Conflict', message: sentence(said), fields };
    case 'idempotency_key_reused':
      return { title: 'Already submitted', message: 'This request was already sent with different content. Reload the page and try again.', fields };
    case 'idempotency_key_in_progress':
      return { title: 'Still processing', message: 'The same request is still being processed. Wait a moment and reload.', fields };
    case 'too_many_attempts':
      return { title: 'Too many attempts', message: 'Too many failed attempts. Wait a minute before trying again.', fields };
    case 'payload_too_large':
      return { title: 'Too large', message: 'What you sent is too large for the admin API.', fields };
    case REPORT_UNAVAILABLE:
      return { title: 'Report not available', message: 'Sluice did not find this report: this server may not offer it yet (it needs a newer Sluice), or the organization no longer exists.', fields };
    case 'internal_error':
      return { title: 'Server error', message: 'Sluice could not complete this request (the cause is in its logs). Try again; if it keeps failing, tell the operator.', fields };
    default:
      return { title: 'Request failed', message: sentence(said), fields };
  }
}

/** `document.matrix.pii.simple[0]` → `matrix › pii › simple › 1st model`. */
export function humanField(path: string): string {
  return path
    .replace(/^document\./, '')
    .replace(/\[(\d+)\]/g, (_, i: string) => `.#${Number(i) + 1}`)
    .split('.')
    .map((p) => p.replace(/_/g, ' '))
    .join(' › ');
}

/** Field errors by field path, for forms. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
}

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return 'The request failed.';
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}
