// Platform admins: every console account — create one, change it (name, platform admin,
// disabled, a new password), and add it to an organization with a role.

import { Badge, Button, Checkbox, Group, PasswordInput, Select, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { ORG_ROLES } from '../auth/roles';
import { AccountFields, accountBody, validateAccount } from '../components/AccountFields';
import type { DataColumn } from '../components/DataTable';
import { dateTime } from '../components/format';
import { FormModal } from '../components/FormModal';
import { TableSection } from '../components/Section';
import { useOrgs } from '../components/Shell';
import { useFormMutation } from '../components/useFormMutation';

type User = Schemas['User'];

export function UsersPage() {
  const [q, setQ] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'edit' | 'membership'; user: User } | null>(null);
  const users = useQuery({ queryKey: ['users', q], queryFn: () => api(() => client.GET('/api/v1/users', { params: { query: { limit: 200, q: q.trim() || undefined } } })) });
  const columns: DataColumn<User>[] = [
    { header: 'E-mail', cell: (u) => u.email, csvHeader: 'email', csv: (u) => u.email },
    { header: 'Name', cell: (u) => u.display_name, csvHeader: 'display_name', csv: (u) => u.display_name },
    {
      header: 'Status',
      cell: (u) => (
        <Group gap={4}>
          {u.is_platform_admin && <Badge color="violet">platform admin</Badge>}
          {u.disabled ? <Badge color="red">disabled</Badge> : <Badge color="green">active</Badge>}
        </Group>
      ),
      csvHeader: 'disabled',
      csv: (u) => u.disabled,
    },
    { header: 'is_platform_admin', csv: (u) => u.is_platform_admin },
    { header: 'Created', cell: (u) => dateTime(u.created_at), csvHeader: 'created_at', csv: (u) => u.created_at },
    {
      header: 'Actions',
      cell: (u) => (
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="light" onClick={() => setDialog({ kind: 'edit', user: u })}>
            Edit
          </Button>
          <Button size="xs" variant="light" onClick={() => setDialog({ kind: 'membership', user: u })}>
            Add to organization
          </Button>
        </Group>
      ),
    },
  ];
  return (
    <>
      <TableSection
        title="Users"
        actions={<Button onClick={() => setDialog({ kind: 'create' })}>Create user</Button>}
        before={<TextInput label="Search" placeholder="e-mail or name" w={280} value={q} onChange={(e) => setQ(e.currentTarget.value)} />}
        query={users}
        rows={(d) => d.items}
        rowKey={(u) => u.id}
        columns={columns}
        csv="users.csv"
        minWidth={800}
        empty="No accounts match."
      />
      {dialog?.kind === 'create' && <CreateUser onClose={() => setDialog(null)} />}
      {dialog?.kind === 'edit' && <EditUser user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'membership' && <AddToOrg user={dialog.user} onClose={() => setDialog(null)} />}
    </>
  );
}

function useSaved(onClose: () => void) {
  const queryClient = useQueryClient();
  return () => {
    queryClient.invalidateQueries({ queryKey: ['users'] });
    onClose();
  };
}

function CreateUser({ onClose }: { onClose: () => void }) {
  const [form, setForm] = useState({ email: '', display_name: '', password: '', is_platform_admin: false });
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () => api(() => client.POST('/api/v1/users', { body: { ...accountBody(form), is_platform_admin: form.is_platform_admin } })),
    onSuccess: useSaved(onClose),
    validate: () => validateAccount(form),
  });

  return (
    <FormModal title="Create a user" onClose={onClose} onSubmit={submit} submitLabel="Create user" pending={save.isPending} error={save.error} fieldErrors={errors}>
      <AccountFields form={form} onChange={setForm} errors={errors} />
      <Checkbox label="Platform admin (manages providers, models, users and every organization)" checked={form.is_platform_admin} onChange={(e) => setForm({ ...form, is_platform_admin: e.currentTarget.checked })} />
    </FormModal>
  );
}

function EditUser({ user, onClose }: { user: User; onClose: () => void }) {
  const [form, setForm] = useState({ display_name: user.display_name, is_platform_admin: user.is_platform_admin, disabled: user.disabled, password: '' });
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () =>
      api(() =>
        client.PATCH('/api/v1/users/{user_id}', {
          params: { path: { user_id: user.id } },
          body: { display_name: form.display_name.trim(), is_platform_admin: form.is_platform_admin, disabled: form.disabled, ...(form.password ? { password: form.password } : {}) },
        }),
      ),
    onSuccess: useSaved(onClose),
    validate: () => {
      const problems: Record<string, string> = {};
      if (form.password && form.password.length < 12) problems.password = 'At least 12 characters.';
      return problems;
    },
  });

  return (
    <FormModal title={`Edit ${user.email}`} onClose={onClose} onSubmit={submit} submitLabel="Save user" pending={save.isPending} error={save.error} fieldErrors={errors}>
      <TextInput label="Display name" value={form.display_name} error={errors.display_name} onChange={(e) => setForm({ ...form, display_name: e.currentTarget.value })} data-autofocus />
      <Checkbox label="Platform admin" checked={form.is_platform_admin} onChange={(e) => setForm({ ...form, is_platform_admin: e.currentTarget.checked })} />
      <Checkbox label="Disabled (cannot log in; ends their sessions)" checked={form.disabled} onChange={(e) => setForm({ ...form, disabled: e.currentTarget.checked })} />
      <PasswordInput label="New password" description="Empty: unchanged. Setting one ends their sessions." autoComplete="new-password" value={form.password} error={errors.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} />
    </FormModal>
  );
}

function AddToOrg({ user, onClose }: { user: User; onClose: () => void }) {
  const queryClient = useQueryClient();
  const orgs = useOrgs();
  const [orgId, setOrgId] = useState<string | null>(null);
  const [role, setRole] = useState<string>('viewer');
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () => api(() => client.POST('/api/v1/orgs/{org_id}/members', { params: { path: { org_id: orgId as string } }, body: { user_id: user.id, role: role as Schemas['OrgRole'] } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['org-members', orgId] });
      onClose();
    },
    validate: (): Record<string, string> => (orgId ? {} : { org: 'Choose an organization.' }),
  });

  return (
    <FormModal title={`Add ${user.email} to an organization`} onClose={onClose} onSubmit={submit} submitLabel="Add to organization" pending={save.isPending} error={save.error} fieldErrors={errors}>
      <Select label="Organization" searchable value={orgId} onChange={setOrgId} error={errors.org} data={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} />
      <Select label="Role" allowDeselect={false} value={role} onChange={(v) => setRole(v ?? 'viewer')} error={errors.role} data={ORG_ROLES} />
    </FormModal>
  );
}
