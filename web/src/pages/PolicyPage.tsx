import { Alert, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { useModels, usePolicies, useProviders } from '../api/queries';
import { useOrg } from '../components/Shell';
import { ErrorNotice, Loading } from '../components/states';
import { MatrixEditor } from '../policy/MatrixEditor';
import { cellProblems, fromWire, matrixOf, toWire, type PolicyDocument, type TrustTier } from '../policy/model';
import { Overrides, type ModelTiers } from '../policy/Overrides';
import { PolicySaveErrors, serverCellProblems } from '../policy/SaveErrors';
import { PolicyForm } from '../policy/PolicyForm';
import { TestPromptPanel } from '../policy/TestPromptPanel';
import { WhatIfPanel } from '../policy/WhatIfPanel';

type Policy = Schemas['Policy'];

export function useModelTiers(): ModelTiers {
  const models = useModels();
  const providers = useProviders();
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
  const models = useModelTiers();
  const policies = usePolicies(orgId);
  if (policies.isPending) return <Loading />;
  if (policies.isError) return <ErrorNotice error={policies.error} onRetry={() => policies.refetch()} />;
  const org = policies.data.items.find((p) => !p.team_id && !p.key_id) ?? null;
  const overrides = policies.data.items.filter((p) => p.team_id || p.key_id);
  return (
    <Stack>
      <Title order={2}>Routing policy</Title>
      <OrgPolicyEditor key={org ? org.id : 'new'} orgId={orgId} policy={org} editable={can.editOrg} models={models} />
      <Overrides orgId={orgId} org={org} overrides={overrides} editable={can.editOrg && !!org} models={models} />
    </Stack>
  );
}

function OrgPolicyEditor({ orgId, policy, editable, models }: { orgId: string; policy: Policy | null; editable: boolean; models: ModelTiers }) {
  const queryClient = useQueryClient();
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
  const server = serverCellProblems(save.error);
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
      <PolicySaveErrors error={save.error} />
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
