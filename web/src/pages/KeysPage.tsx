import { Badge, Button, Group, Modal, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { useKeys, useModels, useTeams } from '../api/queries';
import { CreateKeyDialog } from '../components/CreateKeyDialog';
import type { DataColumn } from '../components/DataTable';
import { EditKeyDialog } from '../components/EditKeyDialog';
import { EditDeleteActions } from '../components/RowActions';
import { TableSection } from '../components/Section';
import { dateTime } from '../components/format';
import { SecretReveal } from '../components/SecretReveal';
import { useOrg } from '../components/Shell';
import { ErrorNotice } from '../components/states';

type Key = Schemas['Key'];

const STATUS_COLOR: Record<string, string> = { active: 'green', expired: 'gray', revoked: 'red' };

export function KeysPage() {
  const { orgId, can } = useOrg();
  const queryClient = useQueryClient();
  const [teamId, setTeamId] = useState<string | null>(null);
  const [status, setStatus] = useState<string>('active');
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<Key | null>(null);
  const [editing, setEditing] = useState<Key | null>(null);
  const teams = useTeams(orgId);
  const models = useModels();
  const keys = useKeys(orgId, { team_id: teamId ?? undefined, revoked: status === 'all' ? undefined : status === 'revoked', q: q || undefined });
  const teamName = useMemo(() => new Map((teams.data?.items ?? []).map((t) => [t.id, t.name])), [teams.data]);
  const manageable = (teams.data?.items ?? []).filter((t) => can.manageTeam(t.id));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['keys', orgId] });

  const revoke = (key: Key) =>
    api(() => client.POST('/api/v1/orgs/{org_id}/keys/{key_id}/revoke', { params: { path: { org_id: orgId, key_id: key.id } } })).then(refresh);

  const columns: DataColumn<Key>[] = [
    { header: 'Name', cell: (k) => k.name, csvHeader: 'name', csv: (k) => k.name },
    { header: 'Team', cell: (k) => teamName.get(k.team_id) ?? '—', csvHeader: 'team', csv: (k) => teamName.get(k.team_id) ?? k.team_id },
    {
      header: 'Key',
      cell: (k) => (
        <>
          <Text ff="monospace" size="sm">
            {k.display_prefix}…{k.last4}
          </Text>
          {k.secrets_in_grace > 0 && (
            <Text size="xs" c="dimmed">
              + {k.secrets_in_grace} old secret(s) in grace period
            </Text>
          )}
        </>
      ),
      csvHeader: 'prefix',
      csv: (k) => k.display_prefix,
    },
    { header: 'last4', csv: (k) => k.last4 },
    { header: 'Status', cell: (k) => <Badge color={STATUS_COLOR[k.status]}>{k.status}</Badge>, csvHeader: 'status', csv: (k) => k.status },
    {
      header: 'Scopes',
      cell: (k) => (
        <>
          <Text size="xs">endpoints: {k.allowed_endpoints.length ? k.allowed_endpoints.join(', ') : 'all'}</Text>
          <Text size="xs">models: {k.allowed_models.length ? k.allowed_models.join(', ') : 'any allowed'}</Text>
        </>
      ),
      csvHeader: 'allowed_endpoints',
      csv: (k) => k.allowed_endpoints.join(' '),
    },
    { header: 'allowed_models', csv: (k) => k.allowed_models.join(' ') },
    { header: 'Expires', cell: (k) => (k.expires_at ? dateTime(k.expires_at) : 'never'), csvHeader: 'expires_at', csv: (k) => k.expires_at },
    { header: 'Created', cell: (k) => dateTime(k.created_at), csvHeader: 'created_at', csv: (k) => k.created_at },
    {
      header: 'Actions',
      cell: (k) =>
        can.manageTeam(k.team_id) &&
        k.status !== 'revoked' && (
          <EditDeleteActions
            extra={
              <Button size="xs" variant="light" onClick={() => setRotating(k)}>
                Rotate
              </Button>
            }
            onEdit={() => setEditing(k)}
            deleteLabel="Revoke"
            deleteTitle={`Revoke "${k.name}"?`}
            confirmLabel="Revoke key"
            onDelete={() => revoke(k)}
          >
            Every secret of this key stops working on every gateway within seconds. This cannot be undone.
          </EditDeleteActions>
        ),
    },
  ];
  const modelNames = (models.data?.items ?? []).map((m) => m.name);

  return (
    <Stack>
      <TableSection
        title="Virtual keys"
        actions={manageable.length > 0 && <Button onClick={() => setCreating(true)}>Create key</Button>}
        query={keys}
        rows={(d) => d.items}
        rowKey={(k) => k.id}
        rowProps={(k) => ({ 'data-testid': `key-row-${k.name}` })}
        columns={columns}
        csv="keys.csv"
        minWidth={900}
        empty="No keys match. Create one to call the gateway."
        before={
          <Group align="flex-end">
            <Select
              label="Team"
              placeholder="All teams"
              clearable
              value={teamId}
              onChange={setTeamId}
              data={(teams.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))}
              w={200}
            />
            <Select
              label="Status"
              value={status}
              onChange={(v) => setStatus(v ?? 'active')}
              allowDeselect={false}
              data={[
                { value: 'active', label: 'Not revoked' },
                { value: 'revoked', label: 'Revoked' },
                { value: 'all', label: 'All' },
              ]}
              w={160}
            />
            <TextInput label="Name contains" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={200} />
          </Group>
        }
      />
      <Text size="xs" c="dimmed">
        Spend per key: Usage &amp; spend report, grouped by key. Budgets and rate limits of a key are on the Budgets &amp; rate limits page.
      </Text>
      {creating && (
        <CreateKeyDialog
          orgId={orgId}
          opened={creating}
          teams={manageable}
          models={modelNames}
          onClose={() => setCreating(false)}
          onCreated={refresh}
        />
      )}
      {editing && <EditKeyDialog orgId={orgId} keyRow={editing} models={modelNames} onClose={() => setEditing(null)} onSaved={refresh} />}
      {rotating && <RotateDialog orgId={orgId} keyRow={rotating} onClose={() => setRotating(null)} onRotated={refresh} />}
    </Stack>
  );
}

function RotateDialog({ orgId, keyRow, onClose, onRotated }: { orgId: string; keyRow: Key; onClose: () => void; onRotated: () => void }) {
  const [grace, setGrace] = useState<number | string>(0);
  const mutation = useMutation({
    mutationFn: () =>
      api(() =>
        client.POST('/api/v1/orgs/{org_id}/keys/{key_id}/rotate', {
          params: { path: { org_id: orgId, key_id: keyRow.id } },
          body: { grace_period_secs: Number(grace) * 60 },
        }),
      ),
    onSuccess: onRotated,
  });
  const done = mutation.data;
  return (
    <Modal opened onClose={done ? () => undefined : onClose} withCloseButton={!done} closeOnEscape={!done} closeOnClickOutside={!done} title={`Rotate "${keyRow.name}"`} size="lg">
      {done ? (
        <SecretReveal secret={done.secret} onDone={onClose} />
      ) : (
        <Stack>
          <Text size="sm">The key gets a new secret. The old one keeps working for the grace period, so clients can switch without downtime.</Text>
          <NumberInput label="Grace period (minutes)" min={0} max={10080} value={grace} onChange={setGrace} description="0 stops the old secret at once; at most 7 days (10080)." />
          <ErrorNotice error={mutation.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button loading={mutation.isPending} onClick={() => mutation.mutate()}>
              Rotate
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
