import { Anchor, Button, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, client, type Schemas } from '../api/client';
import { useOrgMembers, useTeams } from '../api/queries';
import { AccountFields, accountBody, validateAccount } from '../components/AccountFields';
import { ConfirmButton } from '../components/Confirm';
import type { DataColumn } from '../components/DataTable';
import { dateTime } from '../components/format';
import { FormModal } from '../components/FormModal';
import { MembersSection } from '../components/MembersSection';
import { TableSection } from '../components/Section';
import { ORG_ROLES } from '../auth/roles';
import { useOrg } from '../components/Shell';
import { ErrorNotice } from '../components/states';
import { useFormMutation } from '../components/useFormMutation';

type Team = Schemas['Team'];


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

  const deleteTeam = (t: Team) =>
    api(() => client.DELETE('/api/v1/orgs/{org_id}/teams/{team_id}', { params: { path: { org_id: orgId, team_id: t.id } } })).then(() => queryClient.invalidateQueries({ queryKey: ['teams', orgId] }));
  const columns: DataColumn<Team>[] = [
    {
      header: 'Name',
      cell: (t) => (
        <Anchor component={Link} to={`/orgs/${orgId}/teams/${t.id}`}>
          {t.name}
        </Anchor>
      ),
      csvHeader: 'name',
      csv: (t) => t.name,
    },
    { header: 'Slug', cell: (t) => t.slug, csvHeader: 'slug', csv: (t) => t.slug },
    { header: 'Created', cell: (t) => dateTime(t.created_at), csvHeader: 'created_at', csv: (t) => t.created_at },
    {
      header: 'Actions',
      cell: (t) =>
        can.editOrg && (
          <ConfirmButton label="Delete" title={`Delete team "${t.name}"?`} confirmLabel="Delete team" onConfirm={() => deleteTeam(t)}>
            Only a team that never held keys can be deleted.
          </ConfirmButton>
        ),
    },
  ];

  return (
    <Stack gap="xl">
      <TableSection
        title="Teams"
        actions={can.editOrg && <Button onClick={() => setCreating(true)}>Create team</Button>}
        query={teams}
        rows={(d) => d.items}
        rowKey={(t) => t.id}
        columns={columns}
        csv="teams.csv"
        minWidth={500}
        empty="No teams yet. Keys belong to teams: create one first."
      />
      <MembersSection
        title="Organization members"
        query={members}
        actions={can.editOrg && <Button onClick={() => setAdding(true)}>Add member</Button>}
        manage={can.editOrg}
        roles={(m) => ORG_ROLES.filter((r) => can.ownOrg || (r.value !== 'owner' && m.role !== 'owner'))}
        roleLocked={(m) => !can.ownOrg && m.role === 'owner'}
        onRoleChange={(m, role) => setRole.mutate({ userId: m.user_id, role: role as Schemas['OrgRole'] })}
        onRemove={(m) =>
          api(() => client.DELETE('/api/v1/orgs/{org_id}/members/{user_id}', { params: { path: { org_id: orgId, user_id: m.user_id } } })).then(() =>
            queryClient.invalidateQueries({ queryKey: ['org-members', orgId] }),
          )
        }
        removeText="They leave the organization and all of its teams. Their account stays."
        before={<ErrorNotice error={setRole.error} />}
        csv="members.csv"
        empty="No members."
      />
      {creating && <CreateTeam orgId={orgId} onClose={() => setCreating(false)} />}
      {adding && <AddMember orgId={orgId} owner={can.ownOrg} onClose={() => setAdding(false)} />}
    </Stack>
  );
}

function CreateTeam({ orgId, onClose }: { orgId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const { mutation, errors, submit } = useFormMutation({
    mutationFn: () => api(() => client.POST('/api/v1/orgs/{org_id}/teams', { params: { path: { org_id: orgId } }, body: { name: name.trim() } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['teams', orgId] });
      onClose();
    },
    validate: (): Record<string, string> => (name.trim() ? {} : { name: 'Give the team a name.' }),
  });
  const error = errors.name ?? errors.slug;

  return (
    <FormModal title="Create a team" onClose={onClose} onSubmit={submit} submitLabel="Create team" pending={mutation.isPending} error={mutation.error} fieldErrors={errors}>
      <TextInput label="Name" required value={name} error={error} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
    </FormModal>
  );
}

function AddMember({ orgId, owner, onClose }: { orgId: string; owner: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ email: '', display_name: '', password: '', role: 'viewer' });
  const { mutation: mutation, errors, submit } = useFormMutation({
    mutationFn: () =>
      api(() =>
        client.POST('/api/v1/orgs/{org_id}/members', {
          params: { path: { org_id: orgId } },
          body: { ...accountBody(form), role: form.role as Schemas['OrgRole'] },
        }),
      ),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['org-members', orgId] });
      onClose();
    },
    validate: () => validateAccount(form),
  });

  return (
    <FormModal title="Add a member" onClose={onClose} onSubmit={submit} submitLabel="Add member" pending={mutation.isPending} error={mutation.error} fieldErrors={errors}>
      <AccountFields form={form} onChange={setForm} errors={errors} />
      <Select label="Role" value={form.role} allowDeselect={false} data={ORG_ROLES.filter((r) => owner || r.value !== 'owner')} error={errors.role} onChange={(v) => setForm({ ...form, role: v ?? 'viewer' })} />
    </FormModal>
  );
}
