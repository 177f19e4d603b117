// Changing a key after it was issued: name, scopes and expiry (PATCH; the secret is untouched).
// Rate limits and budgets of a key live on the Budgets & rate limits screen.

import { TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { FormModal } from './FormModal';
import { KeyScopeFields, toLocalInput, validateKeyEdit, type KeyForm } from './KeyScopeFields';
import { useFormMutation } from './useFormMutation';

export function EditKeyDialog({ orgId, keyRow, models, onClose, onSaved }: { orgId: string; keyRow: Schemas['Key']; models: string[]; onClose: () => void; onSaved: () => void }) {
  const [form, setForm] = useState<KeyForm>({
    name: keyRow.name,
    teamId: keyRow.team_id,
    endpoints: keyRow.allowed_endpoints,
    models: keyRow.allowed_models,
    expiresAt: toLocalInput(keyRow.expires_at),
  });
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () =>
      api(() =>
        client.PATCH('/api/v1/orgs/{org_id}/keys/{key_id}', {
          params: { path: { org_id: orgId, key_id: keyRow.id } },
          body: {
            name: form.name.trim(),
            allowed_endpoints: form.endpoints.length ? (form.endpoints as Schemas['Endpoint'][]) : null,
            allowed_models: form.models.length ? form.models : null,
            expires_at: form.expiresAt ? new Date(form.expiresAt).toISOString() : null,
          },
        }),
      ),
    onSuccess: () => {
      onSaved();
      onClose();
    },
    validate: () => validateKeyEdit(form),
  });

  return (
    <FormModal title={`Edit key "${keyRow.name}"`} onClose={onClose} onSubmit={submit} submitLabel="Save key" pending={save.isPending} error={save.error} fieldErrors={errors} size="lg">
      <TextInput label="Name" required value={form.name} error={errors.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} data-autofocus />
      <KeyScopeFields form={form} onChange={(patch) => setForm({ ...form, ...patch })} errors={errors} models={models} />
    </FormModal>
  );
}
