// Issuing a virtual key: name, team, scopes and expiry, validated before sending; then the
// secret, shown once. Closing the dialog while the secret is shown needs the explicit "stored".

import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, client, idempotencyKey, type Schemas } from '../api/client';
import { fieldErrors } from '../api/errors';
import { ErrorNotice } from './states';
import { KeyScopeFields, validateKeyEdit, type KeyForm } from './KeyScopeFields';
import { SecretReveal } from './SecretReveal';

/** Problems the API would also report, found before sending. */
export function validateKeyForm(form: KeyForm, now: Date = new Date()): Record<string, string> {
  const errors = validateKeyEdit(form, now);
  if (!form.teamId) errors.team_id = 'Choose the team the key belongs to.';
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
            <KeyScopeFields form={form} onChange={(patch) => setForm({ ...form, ...patch })} errors={errors} models={models} />
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
