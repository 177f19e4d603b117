// The routing policy document as the editor sees it, and the trust check the admin API applies
// when it is saved (policies/checks.rs), so the editor can warn before saving.

import type { Schemas } from '../api/client';

export const DATA_CLASSES = ['public', 'confidential', 'pii', 'secret'] as const;
export const TASK_TIERS = ['simple', 'medium', 'complex', 'reasoning'] as const;
export const TRUST_TIERS = ['local', 'private', 'external'] as const;
export const ENTITY_TYPES = [
  'email', 'phone', 'credit_card', 'iban', 'us_ssn', 'national_id', 'ip_address', 'street_address', 'date_of_birth',
  'person_name', 'private_key', 'cloud_key', 'provider_key', 'jwt', 'password', 'high_entropy_token', 'org_term',
];

export type DataClass = (typeof DATA_CLASSES)[number];
export type TaskTier = (typeof TASK_TIERS)[number];
export type TrustTier = (typeof TRUST_TIERS)[number];
export type Matrix = Partial<Record<DataClass, Partial<Record<TaskTier, string[]>>>>;
export type Trust = Partial<Record<TrustTier, DataClass[]>>;
/** The API's document with the matrix and trust maps typed (the OpenAPI document leaves them open). */
export type PolicyDocument = Omit<Schemas['PolicyDocument'], 'matrix' | 'trust'> & { matrix?: Matrix | null; trust?: Trust | null };

/** For request bodies. */
export function toWire(doc: PolicyDocument): Schemas['PolicyDocument'] {
  return doc as Schemas['PolicyDocument'];
}

export function fromWire(doc: Schemas['PolicyDocument']): PolicyDocument {
  return doc as PolicyDocument;
}

export const DEFAULT_TRUST: Record<TrustTier, DataClass[]> = {
  local: ['public', 'confidential', 'pii', 'secret'],
  private: ['public', 'confidential', 'pii'],
  external: ['public'],
};

export function matrixOf(doc: PolicyDocument): Matrix {
  return doc.matrix ?? {};
}

/** A new matrix with one cell replaced; an empty pool removes the cell (and an empty row). */
export function setCell(matrix: Matrix, cls: DataClass, tier: TaskTier, pool: string[]): Matrix {
  const row = { ...(matrix[cls] ?? {}) };
  if (pool.length) row[tier] = pool;
  else delete row[tier];
  const next = { ...matrix };
  if (Object.keys(row).length) next[cls] = row;
  else delete next[cls];
  return next;
}

/** The classes a provider tier may receive under this document (missing tiers: the defaults). */
export function allowedClasses(trust: Trust | null | undefined, tier: TrustTier): DataClass[] {
  return trust?.[tier] ?? DEFAULT_TRUST[tier];
}

/**
 * Problems per cell (`"pii.simple"` → message) the API would refuse on save: unknown models and
 * models whose provider's trust tier may not receive the row's data class. With redaction on, a
 * tier that may receive public data may receive masked requests, as on the server.
 */
export function cellProblems(doc: PolicyDocument, modelTiers: Map<string, TrustTier>): Record<string, string> {
  const problems: Record<string, string> = {};
  const trust = doc.trust;
  const redacting = !!doc.redaction?.enabled;
  const matrix = matrixOf(doc);
  for (const cls of DATA_CLASSES) {
    for (const tier of TASK_TIERS) {
      const messages: string[] = [];
      for (const model of matrix[cls]?.[tier] ?? []) {
        const trustTier = modelTiers.get(model);
        if (!trustTier) {
          messages.push(`no model named ${model}`);
          continue;
        }
        const allowed = allowedClasses(trust, trustTier);
        if (!allowed.includes(cls) && !(redacting && allowed.includes('public'))) {
          messages.push(`${model} runs on a ${trustTier} provider, which may not receive ${cls} data`);
        }
      }
      if (messages.length) problems[`${cls}.${tier}`] = messages.join('; ');
    }
  }
  return problems;
}

/** `document.matrix.pii.simple[0]` (an API field error) → the cell key `pii.simple`. */
export function cellOfField(field: string): string | null {
  const m = /^(?:document\.)?matrix\.(\w+)\.(\w+)/.exec(field);
  return m ? `${m[1]}.${m[2]}` : null;
}
