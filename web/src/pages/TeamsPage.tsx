import { Anchor, Button, Group, Modal, PasswordInput, Select, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, client, type Schemas } from '../api/client';
import { fieldErrors } from '../api/errors';
import { useOrgMembers, useTeams } from '../api/queries';
import { ConfirmButton } from '../components/Confirm';
import { dateTime } from '../components/format';
import { useOrg } from '../components/Shell';
import { ErrorNotice, QueryView } from '../components/states';

const ORG_ROLES = [
  { value: 'viewer', label: 'Viewer (reads)' },
  { value: 'admin', label: 'Admin (manages everything)' },
  { value: 'owner', label: 'Owner (also owners, archiving)' },
];

export function TeamsPage() {
  const { orgId, can } = useOrg();
  const queryClient = useQueryClient();
  const teams = useTeams(orgId);
  const members = useOrgMembers(orgId);
  const [creating, setCreating] = useState(false);
  const [adding, setAdding] = useState(false);
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Schemas['OrgRole'] }) =>
      api(() => client.PATCH('/api/v1/orgs/{org_id}/members/{user_id}', { params: { path: { org_id: orgId, user_id: userId } }, body: { role } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['org-members', orgId] }),
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Teams</Title>
        {can.editOrg && <Button onClick={() => setCreating(true)}>Create team</Button>}
      </Group>
      <QueryView query={teams} isEmpty={(d) => d.items.length === 0} empty="No teams yet. Keys belong to teams: create one first.">
        {(data) => (
          <Table.ScrollContainer minWidth={500}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Slug</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/orgs/${orgId}/teams/${t.id}`}>
                        {t.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t.slug}</Table.Td>
                    <Table.Td>{dateTime(t.created_at)}</Table.Td>
                    <Table.Td>
                      {can.editOrg && (
                        <ConfirmButton
                          label="Delete"
                          title={`Delete team "${t.name}"?`}
                          confirmLabel="Delete team"
                          onConfirm={() =>
                            api(() => client.DELETE('/api/v1/orgs/{org_id}/teams/{team_id}', { params: { path: { org_id: orgId, team_id: t.id } } })).then(() =>
                              queryClient.invalidateQueries({ queryKey: ['teams', orgId] }),
                            )
                          }
                        >
                          Only a team that never held keys can be deleted.
                        </ConfirmButton>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>

      <Group justify="space-between" mt="lg">
        <Title order={2}>Organization members</Title>
        {can.editOrg && <Button onClick={() => setAdding(true)}>Add member</Button>}
      </Group>
      <ErrorNotice error={setRole.error} />
      <QueryView query={members} isEmpty={(d) => d.items.length === 0} empty="No members.">
        {(data) => (
          <Table.ScrollContainer minWidth={600}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>E-mail</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((m) => (
                  <Table.Tr key={m.user_id}>
                    <Table.Td>{m.display_name}</Table.Td>
                    <Table.Td>{m.email}</Table.Td>
                    <Table.Td>
                      {can.editOrg ? (
                        <Select
                          aria-label={`Role of ${m.email}`}
                          size="xs"
                          w={220}
                          value={m.role}
                          allowDeselect={false}
                          data={ORG_ROLES.filter((r) => can.ownOrg || (r.value !== 'owner' && m.role !== 'owner'))}
                          disabled={!can.ownOrg && m.role === 'owner'}
                          onChange={(role) => role && role !== m.role && setRole.mutate({ userId: m.user_id, role: role as Schemas['OrgRole'] })}
                        />
                      ) : (
                        m.role
                      )}
                    </Table.Td>
                    <Table.Td>
                      {can.editOrg && (
                        <ConfirmButton
                          label="Remove"
                          title={`Remove ${m.email}?`}
                          confirmLabel="Remove member"
                          onConfirm={() =>
                            api(() => client.DELETE('/api/v1/orgs/{org_id}/members/{user_id}', { params: { path: { org_id: orgId, user_id: m.user_id } } })).then(() =>
                              queryClient.invalidateQueries({ queryKey: ['org-members', orgId] }),
                            )
                          }
                        >
                          They leave the organization and all of its teams. Their account stays.
                        </ConfirmButton>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
      {creating && <CreateTeam orgId={orgId} onClose={() => setCreating(false)} />}
      {adding && <AddMember orgId={orgId} owner={can.ownOrg} onClose={() => setAdding(false)} />}
    </Stack>
  );
}

function CreateTeam({ orgId, onClose }: { orgId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: () => api(() => client.POST('/api/v1/orgs/{org_id}/teams', { params: { path: { org_id: orgId } }, body: { name: name.trim() } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['teams', orgId] });
      onClose();
    },
    onError: (e) => setError(fieldErrors(e).name ?? fieldErrors(e).slug),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError('Give the team a name.');
    setError(undefined);
    mutation.mutate();
  };
  return (
    <Modal opened onClose={onClose} title="Create a team">
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.isError && !error && <ErrorNotice error={mutation.error} />}
          <TextInput label="Name" required value={name} error={error} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Create team
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AddMember({ orgId, owner, onClose }: { orgId: string; owner: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ email: '', display_name: '', password: '', role: 'viewer' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: () =>
      api(() =>
        client.POST('/api/v1/orgs/{org_id}/members', {
          params: { path: { org_id: orgId } },
          body: { email: form.email.trim(), display_name: form.display_name.trim() || null, password: form.password, role: form.role as Schemas['OrgRole'] },
        }),
      ),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['org-members', orgId] });
      onClose();
    },
    onError: (e) => setErrors(fieldErrors(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!/^[^@\s]+@[^@\s]+$/.test(form.email.trim())) problems.email = 'Enter an e-mail address.';
    if (form.password.length < 12) problems.password = 'At least 12 characters.';
    setErrors(problems);
    if (!Object.keys(problems).length) mutation.mutate();
  };
  return (
    <Modal opened onClose={onClose} title="Add a member">
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.isError && !Object.keys(errors).length && <ErrorNotice error={mutation.error} />}
          <TextInput label="E-mail" required value={form.email} error={errors.email} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} data-autofocus />
          <TextInput label="Display name" value={form.display_name} error={errors.display_name} onChange={(e) => setForm({ ...form, display_name: e.currentTarget.value })} />
          <PasswordInput label="Initial password" description="At least 12 characters; give it to them securely." required value={form.password} error={errors.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} />
          <Select label="Role" value={form.role} allowDeselect={false} data={ORG_ROLES.filter((r) => owner || r.value !== 'owner')} error={errors.role} onChange={(v) => setForm({ ...form, role: v ?? 'viewer' })} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Add member
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
