// "Test a prompt": the router's decision for a sample prompt under the policy as edited (not yet
// saved) — data class, detected entities, complexity, the pool and every reason. Nothing is
// sent to a provider or stored.

import { Alert, Badge, Button, Code, Group, NumberInput, Paper, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client } from '../api/client';
import { ErrorNotice } from '../components/states';
import { toWire, type PolicyDocument } from './model';

const CLASS_COLOR: Record<string, string> = { public: 'green', confidential: 'yellow', pii: 'orange', secret: 'red' };

interface Reason {
  kind: string;
  [field: string]: unknown;
}

/** One reason in words. */
export function reasonText(r: Reason): string {
  switch (r.kind) {
    case 'detected':
      return `found ${r.count} × ${r.entity}`;
    case 'complexity':
      return `complexity ${Number(r.score).toFixed(2)} (threshold ${Number(r.threshold).toFixed(2)}) → ${r.tier}`;
    case 'degraded':
      return `budget ${r.budget_used_percent} % used: ${r.from} → ${r.to}`;
    case 'matrix':
      return `matrix cell ${r.data_class} × ${r.tier}`;
    case 'explicit':
      return `the client named ${r.model}, which may receive this data`;
    case 'rerouted':
      return `the client named ${r.from}, which may not receive this data: rerouted`;
    case 'excluded_by_trust':
      return `${r.model} skipped: a ${r.trust_tier} provider may not receive this data`;
    case 'unknown_model':
      return `${r.model} skipped: no such model`;
    case 'redacted':
      return `masked before external providers: ${(r.entities as string[] | undefined)?.join(', ') || 'every entity'}`;
    default:
      return JSON.stringify(r);
  }
}

export function TestPromptPanel({ orgId, doc, models }: { orgId: string; doc: PolicyDocument; models: string[] }) {
  const [prompt, setPrompt] = useState('');
  const [model, setModel] = useState<string | null>('auto');
  const [budget, setBudget] = useState<number | string>('');
  const run = useMutation({
    mutationFn: (text: string) =>
      api(() =>
        client.POST('/api/v1/orgs/{org_id}/routing-policies/explain', {
          params: { path: { org_id: orgId } },
          body: { document: toWire(doc), prompt: text, model: model ?? 'auto', budget_used_percent: budget === '' ? null : Number(budget) },
        }),
      ),
  });
  const r = run.data;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>Test a prompt</Title>
        <Text size="sm" c="dimmed">
          Where a request would go under the policy as edited above, before you save it. Nothing is sent to a provider or stored.
        </Text>
        <Textarea label="Prompt" autosize minRows={3} value={prompt} onChange={(e) => setPrompt(e.currentTarget.value)} placeholder="e.g. Refund the customer to IBAN DE89 3704 0044 0532 0130 00" />
        <Group align="flex-end">
          <Select label="Model asked for" w={220} searchable allowDeselect={false} value={model} onChange={setModel} data={['auto', ...models]} />
          <NumberInput label="Simulate budget used (%)" w={200} min={0} max={100} value={budget} onChange={setBudget} />
          <Button variant="light" onClick={() => run.mutate(prompt)} loading={run.isPending} disabled={!prompt.trim()}>
            Explain
          </Button>
        </Group>
        <ErrorNotice error={run.error} />
        {r && (
          <Stack gap="xs" data-testid="explain-result">
            <Group gap="xs">
              <Badge color={CLASS_COLOR[r.data_class] ?? 'gray'}>{r.data_class}</Badge>
              <Badge variant="light">tier {r.tier}</Badge>
              <Badge variant="light">complexity {r.complexity_score.toFixed(2)}</Badge>
            </Group>
            {r.routable ? (
              <Text size="sm">
                Goes to <b>{r.model}</b>
                {r.pool.length > 1 && <> (then {r.pool.slice(1).map((p) => p.model).join(', ')})</>}
                {r.pool.some((p) => p.redact) && ', with detected entities masked'}.
              </Text>
            ) : (
              <Alert color="red" title="Refused" role="status">
                {String((r.refusal as { message?: string } | null)?.message ?? 'No model may take this request.')}
              </Alert>
            )}
            {r.entities.length > 0 && (
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Entity</Table.Th>
                    <Table.Th>Where</Table.Th>
                    <Table.Th>Confidence</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(r.entities as { type: string; start: number; end: number; confidence: number }[]).map((e, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{e.type}</Table.Td>
                      <Table.Td>
                        <Code>{Array.from(run.variables ?? '').slice(e.start, e.end).join('')}</Code>
                      </Table.Td>
                      <Table.Td>{e.confidence}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Text size="sm" fw={600}>
              Reasons
            </Text>
            <ul style={{ margin: 0 }}>
              {(r.reasons as Reason[]).map((reason, i) => (
                <li key={i}>
                  <Text size="sm">{reasonText(reason)}</Text>
                </li>
              ))}
            </ul>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
