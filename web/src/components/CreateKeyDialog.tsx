// Issuing a virtual key: name, team, scopes and expiry, validated before sending; then the
// secret, shown once. Closing the dialog while the secret is shown needs the explicit "stored".

import { Button, Group, Modal, MultiSelect, Select, Stack, TagsInput, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, client, idempotencyKey, type Schemas } from '../api/client';
import { fieldErrors } from '../api/errors';
import { ErrorNotice } from './states';
import { SecretReveal } from './SecretReveal';

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
  expiresAt: string;
}

/** Problems the API would also report, found before sending. */
export function validateKeyForm(form: KeyForm, now: Date = new Date()): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) errors.name = 'Give the key a name, e.g. the application that will use it.';
  else if (form.name.trim().length > 200) errors.name = 'At most 200 characters.';
  if (!form.teamId) errors.team_id = 'Choose the team the key belongs to.';
  if (form.expiresAt) {
    const t = new Date(form.expiresAt);
    if (Number.isNaN(t.getTime())) errors.expires_at = 'Not a valid date and time.';
    else if (t <= now) errors.expires_at = 'The expiry must be in the future.';
  }
  return errors;
}

export function CreateKeyDialog({
  orgId,
  teams,
  models,
  opened,
  onClose,
  onCreated,
}: {
  orgId: string;
  teams: { id: string; name: string }[];
  models: string[];
  opened: boolean;
  onClose: () => void;
  onCreated?: (key: Schemas['KeyWithSecret']) => void;
}) {
  const [form, setForm] = useState<KeyForm>({ name: '', teamId: teams.length === 1 ? teams[0].id : null, endpoints: [], models: [], expiresAt: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<Schemas['KeyWithSecret'] | null>(null);
  // One key per dialog use: a double submit or a retried request creates one key.
  const [idem, setIdem] = useState(idempotencyKey);
  const mutation = useMutation({
    mutationFn: () =>
      api(() =>
        client.POST('/api/v1/orgs/{org_id}/keys', {
          params: { path: { org_id: orgId } },
          headers: { 'Idempotency-Key': idem },
          body: {
            name: form.name.trim(),
            team_id: form.teamId as string,
            allowed_endpoints: form.endpoints as Schemas['Endpoint'][],
            allowed_models: form.models,
            expires_at: form.expiresAt ? new Date(form.expiresAt).toISOString() : null,
          },
        }),
      ),
    onSuccess: (key) => {
      setCreated(key);
      onCreated?.(key);
    },
    onError: (e) => setErrors(fieldErrors(e)),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems = validateKeyForm(form);
    setErrors(problems);
    if (Object.keys(problems).length === 0) mutation.mutate();
  };

  const close = () => {
    setCreated(null);
    setForm({ name: '', teamId: null, endpoints: [], models: [], expiresAt: '' });
    setErrors({});
    setIdem(idempotencyKey());
    mutation.reset();
    onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={created ? () => undefined : close}
      closeOnClickOutside={!created}
      closeOnEscape={!created}
      withCloseButton={!created}
      title={created ? `Key "${created.name}" created` : 'Create a virtual key'}
      size="lg"
    >
      {created ? (
        <SecretReveal secret={created.secret} onDone={close} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {mutation.isError && Object.keys(errors).length === 0 && <ErrorNotice error={mutation.error} />}
            <TextInput label="Name" required value={form.name} error={errors.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} data-autofocus />
            <Select
              label="Team"
              required
              searchable
              value={form.teamId}
              error={errors.team_id}
              data={teams.map((t) => ({ value: t.id, label: t.name }))}
              onChange={(v) => setForm({ ...form, teamId: v })}
            />
            <MultiSelect
              label="Allowed endpoints"
              description="None selected: every endpoint."
              data={ENDPOINTS}
              value={form.endpoints}
              error={errors.allowed_endpoints}
              onChange={(v) => setForm({ ...form, endpoints: v })}
            />
            <TagsInput
              label="Allowed models"
              description="Empty: any model the routing policy allows. Type a name and press Enter."
              data={models}
              value={form.models}
              error={errors.allowed_models}
              onChange={(v) => setForm({ ...form, models: v })}
            />
            <TextInput
              label="Expires at"
              description="Leave empty for a key that does not expire."
              type="datetime-local"
              value={form.expiresAt}
              error={errors.expires_at}
              onChange={(e) => setForm({ ...form, expiresAt: e.currentTarget.value })}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={mutation.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
