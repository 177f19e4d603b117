import { Alert, Badge, Button, Code, Group, Modal, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { ApiError, humanField } from '../api/errors';
import { useModels } from '../api/queries';
import { ConfirmButton } from '../components/Confirm';
import { useOrg } from '../components/Shell';
import { ErrorNotice, Loading } from '../components/states';
import { TargetSelect, parseTarget, useTargetNames } from '../components/TargetSelect';
import { MatrixEditor } from '../policy/MatrixEditor';
import { cellOfField, cellProblems, fromWire, matrixOf, toWire, type PolicyDocument, type TrustTier } from '../policy/model';
import { PolicyForm } from '../policy/PolicyForm';
import { TestPromptPanel } from '../policy/TestPromptPanel';
import { WhatIfPanel } from '../policy/WhatIfPanel';

type Policy = Schemas['Policy'];

export function useModelTiers() {
  const models = useModels();
  const providers = useQuery({ queryKey: ['providers'], queryFn: () => api(() => client.GET('/api/v1/providers', { params: { query: { limit: 200 } } })) });
  return useMemo(() => {
    const tierOf = new Map((providers.data?.items ?? []).map((p) => [p.id, p.trust_tier as TrustTier]));
    const tiers = new Map<string, TrustTier>();
    for (const m of models.data?.items ?? []) {
      const t = tierOf.get(m.provider_id);
      if (t && m.mode === 'chat') tiers.set(m.name, t);
    }
    return { tiers, names: [...tiers.keys()].sort(), ready: !!models.data && !!providers.data };
  }, [models.data, providers.data]);
}

export function PolicyPage() {
  const { orgId, can } = useOrg();
  const policies = useQuery({
    queryKey: ['policies', orgId],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/routing-policies', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
  if (policies.isPending) return <Loading />;
  if (policies.isError) return <ErrorNotice error={policies.error} onRetry={() => policies.refetch()} />;
  const org = policies.data.items.find((p) => !p.team_id && !p.key_id) ?? null;
  const overrides = policies.data.items.filter((p) => p.team_id || p.key_id);
  return (
    <Stack>
      <Title order={2}>Routing policy</Title>
      <OrgPolicyEditor key={org ? org.id : 'new'} orgId={orgId} policy={org} editable={can.editOrg} />
      <Overrides orgId={orgId} overrides={overrides} editable={can.editOrg && !!org} />
    </Stack>
  );
}

function OrgPolicyEditor({ orgId, policy, editable }: { orgId: string; policy: Policy | null; editable: boolean }) {
  const queryClient = useQueryClient();
  const models = useModelTiers();
  const [doc, setDoc] = useState<PolicyDocument>(policy ? fromWire(policy.document) : { matrix: {} });
  const [saved, setSaved] = useState(false);
  const dirty = JSON.stringify(doc) !== JSON.stringify(policy?.document ?? { matrix: {} });
  const save = useMutation({
    mutationFn: () =>
      policy
        ? api(() => client.PATCH('/api/v1/orgs/{org_id}/routing-policies/{policy_id}', { params: { path: { org_id: orgId, policy_id: policy.id } }, body: { document: toWire(doc), expected_revision: policy.revision } }))
        : api(() => client.POST('/api/v1/orgs/{org_id}/routing-policies', { params: { path: { org_id: orgId } }, body: { document: toWire(doc) } })),
    onSuccess: (stored) => {
      setDoc(fromWire(stored.document));
      setSaved(true);
      queryClient.invalidateQueries({ queryKey: ['policies', orgId] });
    },
  });
  const local = models.ready ? cellProblems(doc, models.tiers) : {};
  const server: Record<string, string> = {};
  const otherFields: string[] = [];
  if (save.error instanceof ApiError) {
    for (const f of save.error.fields) {
      const cell = cellOfField(f.field);
      if (cell) server[cell] = server[cell] ? `${server[cell]}; ${f.message}` : f.message;
      else otherFields.push(`${humanField(f.field)}: ${f.message}`);
    }
  }
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {policy ? (
            <>
              Organization policy, revision <Badge variant="light">{policy.revision}</Badge>
            </>
          ) : (
            'This organization has no routing policy yet: requests to "auto" have no route.'
          )}
        </Text>
        {editable && (
          <Group>
            <Button variant="default" disabled={!dirty} onClick={() => setDoc(policy ? fromWire(policy.document) : { matrix: {} })}>
              Discard changes
            </Button>
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!dirty && !!policy}>
              {policy ? 'Save policy' : 'Create policy'}
            </Button>
          </Group>
        )}
      </Group>
      {saved && !dirty && (
        <Alert color="green" role="status">
          Policy saved. Gateways apply it within seconds.
        </Alert>
      )}
      {conflict ? (
        <Alert color="orange" title="Someone else changed the policy" role="alert">
          The stored policy changed since you opened it; your edits were not saved. Copy what you need, then reload the page.
          <Text size="xs">{save.error?.message}</Text>
        </Alert>
      ) : save.isError && save.error instanceof ApiError && save.error.fields.length ? (
        <Alert color="red" title="The policy was not saved" role="alert">
          {Object.keys(server).length > 0 && <Text size="sm">Some matrix cells are refused: see the highlighted cells.</Text>}
          {otherFields.map((f) => (
            <Text size="sm" key={f}>
              {f}
            </Text>
          ))}
        </Alert>
      ) : (
        <ErrorNotice error={save.error} />
      )}
      <Title order={3}>Model pools</Title>
      <Text size="sm" c="dimmed">
        Each cell lists the models tried in order for that kind of data and task. An empty cell falls back to a neighbouring tier or class.
      </Text>
      <MatrixEditor matrix={matrixOf(doc)} onChange={(matrix) => setDoc({ ...doc, matrix })} models={models.names} problems={{ ...local, ...server }} readOnly={!editable} />
      <PolicyForm doc={doc} onChange={setDoc} models={models.names} readOnly={!editable} />
      <TestPromptPanel orgId={orgId} doc={doc} models={models.names} />
      <WhatIfPanel orgId={orgId} doc={doc} />
    </Stack>
  );
}

function Overrides({ orgId, overrides, editable }: { orgId: string; overrides: Policy[]; editable: boolean }) {
  const names = useTargetNames(orgId);
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Policy | 'new' | null>(null);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Team and key overrides</Title>
        {editable && <Button variant="light" onClick={() => setEditing('new')}>Add override</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        An override sets only the fields it changes; everything else comes from the organization policy.
      </Text>
      {overrides.length === 0 ? (
        <Text size="sm" c="dimmed">
          No overrides.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Applies to</Table.Th>
                <Table.Th>Document</Table.Th>
                <Table.Th>Revision</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {overrides.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>{names.label(p)}</Table.Td>
                  <Table.Td>
                    <Code block style={{ maxHeight: 160, overflow: 'auto' }}>
                      {JSON.stringify(p.document, null, 1)}
                    </Code>
                  </Table.Td>
                  <Table.Td>{p.revision}</Table.Td>
                  <Table.Td>
                    {editable && (
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="light" onClick={() => setEditing(p)}>
                          Edit
                        </Button>
                        <ConfirmButton
                          label="Delete"
                          title="Delete this override?"
                          confirmLabel="Delete"
                          onConfirm={() => api(() => client.DELETE('/api/v1/orgs/{org_id}/routing-policies/{policy_id}', { params: { path: { org_id: orgId, policy_id: p.id } } })).then(() => queryClient.invalidateQueries({ queryKey: ['policies', orgId] }))}
                        >
                          Its team or key follows the organization policy again.
                        </ConfirmButton>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && <OverrideDialog orgId={orgId} policy={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function OverrideDialog({ orgId, policy, onClose }: { orgId: string; policy: Policy | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState('org');
  const [text, setText] = useState(JSON.stringify(policy?.document ?? { redaction: { enabled: true, entities: [] } }, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (document: PolicyDocument) =>
      policy
        ? api(() => client.PATCH('/api/v1/orgs/{org_id}/routing-policies/{policy_id}', { params: { path: { org_id: orgId, policy_id: policy.id } }, body: { document: toWire(document), expected_revision: policy.revision } }))
        : api(() => client.POST('/api/v1/orgs/{org_id}/routing-policies', { params: { path: { org_id: orgId } }, body: { ...parseTarget(target), document: toWire(document) } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['policies', orgId] });
      onClose();
    },
  });
  const submit = () => {
    try {
      const document = JSON.parse(text) as PolicyDocument;
      setParseError(null);
      if (!policy && target === 'org') return setParseError('Choose a team or a key: the organization policy is edited above.');
      save.mutate(document);
    } catch (e) {
      setParseError(`Not valid JSON: ${(e as Error).message}`);
    }
  };
  return (
    <Modal opened onClose={onClose} title={policy ? 'Edit override' : 'Add an override'} size="lg">
      <Stack>
        {!policy && <TargetSelect orgId={orgId} value={target} onChange={setTarget} />}
        <Textarea label="Document (JSON)" autosize minRows={8} ff="monospace" value={text} onChange={(e) => setText(e.currentTarget.value)} error={parseError} />
        <ErrorNotice error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={save.isPending}>
            Save override
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
