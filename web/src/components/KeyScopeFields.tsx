// The parts of a virtual key that can change after it is issued — name, scopes and expiry —
// shared by the create and the edit dialogs, with the checks the API would also make.

import { MultiSelect, TagsInput, TextInput } from '@mantine/core';
import type { Schemas } from '../api/client';

export const ENDPOINTS: { value: Schemas['Endpoint']; label: string }[] = [
  { value: 'chat', label: 'Chat completions' },
  { value: 'messages', label: 'Anthropic messages' },
  { value: 'embeddings', label: 'Embeddings' },
  { value: 'models', label: 'Model list' },
];

export interface KeyForm {
  name: string;
  teamId: string | null;
  endpoints: string[];
  models: string[];
  /** `datetime-local` text (local time), empty: never expires. */
  expiresAt: string;
}

/** Name and expiry problems, found before sending. */
export function validateKeyEdit(form: Pick<KeyForm, 'name' | 'expiresAt'>, now: Date = new Date()): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) errors.name = 'Give the key a name, e.g. the application that will use it.';
  else if (form.name.trim().length > 200) errors.name = 'At most 200 characters.';
  if (form.expiresAt) {
    const t = new Date(form.expiresAt);
    if (Number.isNaN(t.getTime())) errors.expires_at = 'Not a valid date and time.';
    else if (t <= now) errors.expires_at = 'The expiry must be in the future.';
  }
  return errors;
}

/** An RFC 3339 instant as `datetime-local` text in the browser's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function KeyScopeFields({
  form,
  onChange,
  errors,
  models,
}: {
  form: KeyForm;
  onChange: (patch: Partial<KeyForm>) => void;
  errors: Record<string, string>;
  models: string[];
}) {
  return (
    <>
      <MultiSelect
        label="Allowed endpoints"
        description="None selected: every endpoint."
        data={ENDPOINTS}
        value={form.endpoints}
        error={errors.allowed_endpoints}
        onChange={(v) => onChange({ endpoints: v })}
      />
      <TagsInput
        label="Allowed models"
        description="Empty: any model the routing policy allows. Type a name and press Enter."
        data={models}
        value={form.models}
        error={errors.allowed_models}
        onChange={(v) => onChange({ models: v })}
      />
      <TextInput
        label="Expires at"
        description="Leave empty for a key that does not expire."
        type="datetime-local"
        value={form.expiresAt}
        error={errors.expires_at}
        onChange={(e) => onChange({ expiresAt: e.currentTarget.value })}
      />
    </>
  );
}
