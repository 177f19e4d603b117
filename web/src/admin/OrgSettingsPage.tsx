// The organization's own settings (org admins change them; other roles read them) and, for
// owners, archiving it.

import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, client, type Schemas } from '../api/client';
import { useOrgDetails } from '../api/queries';
import { ConfirmButton } from '../components/Confirm';
import { dateTime } from '../components/format';
import { Section } from '../components/Section';
import { useOrg } from '../components/Shell';
import { ErrorNotice, QueryView } from '../components/states';
import { OrgFields, orgForm, validateOrg } from './OrgFields';
import { useFormMutation } from '../components/useFormMutation';

export function OrgSettingsPage() {
  const { orgId, can } = useOrg();
  const org = useOrgDetails(orgId);
  return (
    <QueryView query={org}>
      {(o) => (
        <Stack gap="xl">
          <SettingsForm key={o.id} org={o} editable={can.editOrg} />
          {can.ownOrg && <ArchiveOrg orgId={orgId} name={o.name} />}
        </Stack>
      )}
    </QueryView>
  );
}

function SettingsForm({ org, editable }: { org: Schemas['Org']; editable: boolean }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(() => orgForm(org));
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () => api(() => client.PATCH('/api/v1/orgs/{org_id}', { params: { path: { org_id: org.id } }, body: { ...form, name: form.name.trim() } })),
    onSuccess: (updated) => {
      // The answer is the stored org: no refetch, and the form shows what was stored.
      queryClient.setQueryData(['org', org.id], updated);
      queryClient.invalidateQueries({ queryKey: ['orgs'] });
      setForm(orgForm(updated));
    },
    validate: () => validateOrg(form),
  });
  const dirty = JSON.stringify(form) !== JSON.stringify(orgForm(org));

  return (
    <Section title="Organization settings">
      <Paper withBorder p="md" maw={640}>
        <Stack>
          <Text size="sm" c="dimmed">
            Slug <code>{org.slug}</code> · created {dateTime(org.created_at)}
          </Text>
          <OrgFields form={form} onChange={setForm} errors={errors} readOnly={!editable} />
          {save.isError && !Object.keys(errors).length && <ErrorNotice error={save.error} />}
          {save.isSuccess && !dirty && (
            <Text size="sm" c="teal" role="status">
              Settings saved.
            </Text>
          )}
          {editable && (
            <Group>
              <Button onClick={submit} loading={save.isPending}>
                Save settings
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>
    </Section>
  );
}

function ArchiveOrg({ orgId, name }: { orgId: string; name: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <Section title="Archive" order={3}>
      <Text size="sm">The organization disappears from the console and the API, and every one of its keys is revoked. Its ledger and audit log are kept.</Text>
      <Group>
        <ConfirmButton
          label="Archive organization"
          size="sm"
          title={`Archive "${name}"?`}
          confirmLabel="Archive"
          onConfirm={() =>
            api(() => client.DELETE('/api/v1/orgs/{org_id}', { params: { path: { org_id: orgId } } })).then(() => {
              queryClient.invalidateQueries({ queryKey: ['orgs'] });
              queryClient.invalidateQueries({ queryKey: ['me'] });
              navigate('/');
            })
          }
        >
          All of its keys stop working at once. This cannot be undone from the console.
        </ConfirmButton>
      </Group>
    </Section>
  );
}
