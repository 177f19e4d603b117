// Replays a past period of the org's traffic under the candidate document (nothing is saved).

import { Button, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client } from '../api/client';
import { usd } from '../components/format';
import { Stat } from '../components/Stat';
import { ErrorNotice } from '../components/states';
import { toWire, type PolicyDocument } from './model';

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function WhatIfPanel({ orgId, doc }: { orgId: string; doc: PolicyDocument }) {
  const now = new Date();
  const [from, setFrom] = useState(isoDay(new Date(now.getTime() - 30 * 86400_000)));
  const [to, setTo] = useState(isoDay(new Date(now.getTime() + 86400_000)));
  const run = useMutation({
    mutationFn: () =>
      api(() =>
        client.POST('/api/v1/orgs/{org_id}/routing-policies/what-if', {
          params: { path: { org_id: orgId } },
          body: { document: toWire(doc), from: new Date(`${from}T00:00:00Z`).toISOString(), to: new Date(`${to}T00:00:00Z`).toISOString() },
        }),
      ),
  });
  const r = run.data;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>What-if replay</Title>
        <Text size="sm" c="dimmed">
          What the period&apos;s chat traffic would have cost and where it would have gone under the policy as edited above. Uses the stored data class and complexity of each request, never prompts.
        </Text>
        <Group align="flex-end">
          <TextInput label="From (UTC)" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput label="To (UTC, exclusive)" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          <Button onClick={() => run.mutate()} loading={run.isPending} variant="light">
            Run what-if
          </Button>
        </Group>
        <ErrorNotice error={run.error} />
        {r && (
          <Stack gap="xs" data-testid="what-if-report">
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <Stat label="Requests" value={String(r.requests)} />
              <Stat label="Replayed" value={`${r.replayed} (${r.skipped} skipped)`} />
              <Stat label="Actual cost" value={usd(r.actual_cost_replayed_usd)} />
              <Stat label="Under this policy" value={usd(r.candidate_cost_usd)} />
            </SimpleGrid>
            {r.requests === 0 && <Text size="sm">No traffic in this period.</Text>}
            {r.route_mix.length > 0 && (
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Model</Table.Th>
                    <Table.Th>Requests</Table.Th>
                    <Table.Th>Cost</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.route_mix.map((m) => (
                    <Table.Tr key={m.model}>
                      <Table.Td>{m.model}</Table.Td>
                      <Table.Td>{m.requests}</Table.Td>
                      <Table.Td>{usd(m.cost_usd)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {Object.keys(r.refused).length > 0 && <Text size="sm" c="orange">Would refuse: {Object.entries(r.refused).map(([k, v]) => `${v} × ${k}`).join(', ')}</Text>}
            {r.redacted > 0 && <Text size="sm">{r.redacted} requests would be masked before going to an external model.</Text>}
            {r.violations.length > 0 && (
              <Text size="sm" c="red">
                Past requests this policy forbids: {r.violations.map((v) => `${v.requests} ${v.data_class} → ${v.model}`).join(', ')}
              </Text>
            )}
            {r.unpriced_models.length > 0 && <Text size="xs" c="dimmed">Without a price (counted as $0): {r.unpriced_models.join(', ')}</Text>}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
