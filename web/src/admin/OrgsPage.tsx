// Platform admins: every organization of the installation, and creating one.

import { Anchor, Badge, Button, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, client, type Schemas } from '../api/client';
import type { DataColumn } from '../components/DataTable';
import { dateTime } from '../components/format';
import { FormModal } from '../components/FormModal';
import { TableSection } from '../components/Section';
import { useOrg, useOrgs } from '../components/Shell';
import { OrgFields, orgForm, validateOrg } from './OrgFields';
import { useFormMutation } from '../components/useFormMutation';

type Org = Schemas['Org'];

const COLUMNS: DataColumn<Org>[] = [
  {
    header: 'Name',
    cell: (o) => (
      <Anchor component={Link} to={`/orgs/${o.id}`}>
        {o.name}
      </Anchor>
    ),
    csvHeader: 'name',
    csv: (o) => o.name,
  },
  { header: 'Slug', cell: (o) => o.slug, csvHeader: 'slug', csv: (o) => o.slug },
  { header: 'Time zone', cell: (o) => o.time_zone, csvHeader: 'time_zone', csv: (o) => o.time_zone },
  { header: 'Quota store down', cell: (o) => o.quota_failure_mode, csvHeader: 'quota_failure_mode', csv: (o) => o.quota_failure_mode },
  { header: 'Prompt logging', cell: (o) => (o.prompt_logging ? <Badge color="orange">on</Badge> : 'off'), csvHeader: 'prompt_logging', csv: (o) => o.prompt_logging },
  { header: 'Created', cell: (o) => dateTime(o.created_at), csvHeader: 'created_at', csv: (o) => o.created_at },
];

export function OrgsPage() {
  const { can } = useOrg();
  const orgs = useOrgs();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <TableSection
        title="Organizations"
        actions={can.platformAdmin && <Button onClick={() => setCreating(true)}>Create organization</Button>}
        query={orgs}
        rows={(d) => d.items}
        rowKey={(o) => o.id}
        columns={COLUMNS}
        csv="organizations.csv"
        minWidth={800}
        empty="No organizations yet."
      />
      {creating && <CreateOrg onClose={() => setCreating(false)} />}
    </>
  );
}

function CreateOrg({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState(() => orgForm());
  const [slug, setSlug] = useState('');
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () => api(() => client.POST('/api/v1/orgs', { body: { ...form, name: form.name.trim(), slug: slug.trim() || null } })),
    onSuccess: (org) => {
      queryClient.invalidateQueries({ queryKey: ['orgs'] });
      queryClient.invalidateQueries({ queryKey: ['me'] });
      onClose();
      navigate(`/orgs/${org.id}/settings`);
    },
    validate: () => validateOrg(form),
  });

  return (
    <FormModal title="Create an organization" onClose={onClose} onSubmit={submit} submitLabel="Create organization" pending={save.isPending} error={save.error} fieldErrors={errors}>
      <OrgFields form={form} onChange={setForm} errors={errors} />
      <TextInput label="Slug" description="Empty: derived from the name." value={slug} error={errors.slug} onChange={(e) => setSlug(e.currentTarget.value)} />
    </FormModal>
  );
}
