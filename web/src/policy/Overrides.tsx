// Team and key overrides of the routing policy. An override sets only what it changes — matrix
// cells (merged cell by cell), trust tiers, default model, redaction, degradation… — so the
// editor is the same matrix and form as the organization policy, with empty meaning "inherits".
// Cells the API (or the local trust check) refuses are marked in the cell.

import { Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { DataTable, type DataColumn } from '../components/DataTable';
import { FormModal } from '../components/FormModal';
import { EditDeleteActions } from '../components/RowActions';
import { Section } from '../components/Section';
import { Empty } from '../components/states';
import { TargetSelect, parseTarget, useTargetNames } from '../components/TargetSelect';
import { MatrixEditor } from './MatrixEditor';
import { cellProblems, fromWire, matrixOf, toWire, type PolicyDocument, type TrustTier } from './model';
import { PolicyForm } from './PolicyForm';
import { PolicySaveErrors, serverCellProblems } from './SaveErrors';

type Policy = Schemas['Policy'];

/** What an override changes, in a few words. */
export function overrideSummary(doc: PolicyDocument): string[] {
  const parts: string[] = [];
  const cells = Object.entries(matrixOf(doc)).flatMap(([cls, row]) => Object.keys(row ?? {}).map((tier) => `${cls} × ${tier}`));
  if (cells.length) parts.push(`matrix: ${cells.join(', ')}`);
  if (doc.trust) parts.push(`trust tiers: ${Object.keys(doc.trust).join(', ')}`);
  if (doc.default_model) parts.push(`default model ${doc.default_model}`);
  if (doc.explicit_model) parts.push(`named models: ${doc.explicit_model}`);
  if (doc.redaction) parts.push(doc.redaction.enabled ? 'redaction on' : 'redaction off');
  if (doc.degradation) parts.push(`degrade to ${doc.degradation.to_tier} at ${doc.degradation.threshold_percent} %`);
  if (doc.confidential) parts.push('confidential terms');
  if (doc.complexity_threshold != null) parts.push(`complexity threshold ${doc.complexity_threshold}`);
  return parts.length ? parts : ['nothing (inherits everything)'];
}

export interface ModelTiers {
  tiers: Map<string, TrustTier>;
  names: string[];
  ready: boolean;
}

export function Overrides({ orgId, org, overrides, editable, models }: { orgId: string; org: Policy | null; overrides: Policy[]; editable: boolean; models: ModelTiers }) {
  const names = useTargetNames(orgId);
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Policy | 'new' | null>(null);
  const columns: DataColumn<Policy>[] = [
    { header: 'Applies to', cell: (p) => names.label(p) },
    {
      header: 'Changes',
      cell: (p) => (
        <Stack gap={2}>
          {overrideSummary(fromWire(p.document)).map((s) => (
            <Text size="sm" key={s}>
              {s}
            </Text>
          ))}
        </Stack>
      ),
    },
    { header: 'Revision', cell: (p) => <Badge variant="light">{p.revision}</Badge> },
    {
      header: 'Actions',
      cell: (p) =>
        editable && (
          <EditDeleteActions
            onEdit={() => setEditing(p)}
            deleteTitle="Delete this override?"
            confirmLabel="Delete"
            onDelete={() =>
              api(() => client.DELETE('/api/v1/orgs/{org_id}/routing-policies/{policy_id}', { params: { path: { org_id: orgId, policy_id: p.id } } })).then(() =>
                queryClient.invalidateQueries({ queryKey: ['policies', orgId] }),
              )
            }
          >
            Its team or key follows the organization policy again.
          </EditDeleteActions>
        ),
    },
  ];
  return (
    <Section title="Team and key overrides" order={3} actions={editable && <Button variant="light" onClick={() => setEditing('new')}>Add override</Button>}>
      <Text size="sm" c="dimmed">
        An override sets only the fields it changes; everything else comes from the organization policy.
      </Text>
      {overrides.length === 0 ? <Empty>No overrides.</Empty> : <DataTable rows={overrides} columns={columns} rowKey={(p) => p.id} label="Policy overrides" />}
      {editing && <OverrideDialog orgId={orgId} org={org} policy={editing === 'new' ? null : editing} models={models} onClose={() => setEditing(null)} />}
    </Section>
  );
}

function OverrideDialog({ orgId, org, policy, models, onClose }: { orgId: string; org: Policy | null; policy: Policy | null; models: ModelTiers; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState('org');
  const [targetError, setTargetError] = useState<string | undefined>();
  const [doc, setDoc] = useState<PolicyDocument>(policy ? fromWire(policy.document) : { matrix: {} });
  const save = useMutation({
    mutationFn: () =>
      policy
        ? api(() => client.PATCH('/api/v1/orgs/{org_id}/routing-policies/{policy_id}', { params: { path: { org_id: orgId, policy_id: policy.id } }, body: { document: toWire(doc), expected_revision: policy.revision } }))
        : api(() => client.POST('/api/v1/orgs/{org_id}/routing-policies', { params: { path: { org_id: orgId } }, body: { ...parseTarget(target), document: toWire(doc) } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['policies', orgId] });
      onClose();
    },
  });
  // The trust check runs on what will be in force: the override's trust and redaction, else the org's.
  const inherited = org ? fromWire(org.document) : {};
  const effective: PolicyDocument = { ...doc, trust: doc.trust ?? inherited.trust, redaction: doc.redaction ?? inherited.redaction };
  const problems = { ...(models.ready ? cellProblems(effective, models.tiers) : {}), ...serverCellProblems(save.error) };
  const submit = () => {
    if (!policy && target === 'org') return setTargetError('Choose a team or a key: the organization policy is edited on the page.');
    setTargetError(undefined);
    save.mutate();
  };
  return (
    <FormModal title={policy ? 'Edit override' : 'Add an override'} onClose={onClose} onSubmit={submit} submitLabel="Save override" pending={save.isPending} error={null} size="90rem">
      {!policy && <TargetSelect orgId={orgId} value={target} onChange={setTarget} error={targetError} />}
      <PolicySaveErrors error={save.error} />
      <Group gap="xs">
        <Title order={4}>Model pools</Title>
        <Text size="sm" c="dimmed">
          Empty cells inherit the organization policy&apos;s pool.
        </Text>
      </Group>
      <MatrixEditor matrix={matrixOf(doc)} onChange={(matrix) => setDoc({ ...doc, matrix })} models={models.names} problems={problems} emptyLabel="inherits" />
      <PolicyForm doc={doc} onChange={setDoc} models={models.names} readOnly={false} />
    </FormModal>
  );
}
