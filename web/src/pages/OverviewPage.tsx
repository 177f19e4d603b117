// The org at a glance. Spend and request counts come from the ledger through the what-if
// replay (run with the org's own policy, so "actual" is what was really spent); the billing
// reports (burn rate, savings, top spenders) do not exist in the API yet and are labelled so.

import { BarChart } from '@mantine/charts';
import { Alert, Badge, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, client } from '../api/client';
import { alertLabel, dateTime, usd } from '../components/format';
import { useOrg } from '../components/Shell';
import { ErrorNotice, Loading, QueryView } from '../components/states';
import { useTargetNames } from '../components/TargetSelect';
import { DATA_CLASSES, TASK_TIERS } from '../policy/model';
import { Stat } from '../policy/WhatIfPanel';

function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Tomorrow 00:00 UTC: a stable end for "up to now" (it is part of the query key). */
function nextDayUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export function OverviewPage() {
  const { orgId, can } = useOrg();
  const names = useTargetNames(orgId);
  const org = useQuery({ queryKey: ['org', orgId], queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}', { params: { path: { org_id: orgId } } })) });
  const budgets = useQuery({ queryKey: ['budgets', orgId], queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/budgets', { params: { path: { org_id: orgId }, query: { limit: 200 } } })) });
  const policies = useQuery({
    queryKey: ['policies', orgId],
    enabled: can.readOrg,
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/routing-policies', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
  const orgBudget = budgets.data?.items.find((b) => !b.team_id && !b.key_id && b.period !== 'total') ?? null;
  const from = orgBudget?.current_period.start ?? monthStartUtc(new Date()).toISOString();
  const to = orgBudget?.current_period.end ?? nextDayUtc(new Date()).toISOString();
  const orgPolicy = policies.data?.items.find((p) => !p.team_id && !p.key_id);
  const usage = useQuery({
    queryKey: ['usage', orgId, from, to, orgPolicy?.revision],
    enabled: !!orgPolicy && budgets.isSuccess,
    refetchInterval: 15_000,
    queryFn: () =>
      api(() => client.POST('/api/v1/orgs/{org_id}/routing-policies/what-if', { params: { path: { org_id: orgId } }, body: { document: orgPolicy!.document, from, to } })),
  });
  const alerts = useQuery({
    queryKey: ['alerts', orgId],
    enabled: can.readOrg,
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/alerts', { params: { path: { org_id: orgId }, query: { limit: 5 } } })),
  });

  const spent = usage.data ? Number(usage.data.actual_cost_usd) : null;
  const amount = orgBudget ? Number(orgBudget.amount_usd) : null;
  const percent = spent !== null && amount ? Math.min(100, (spent / amount) * 100) : null;

  return (
    <Stack>
      <QueryView query={org}>
        {(o) => (
          <Group justify="space-between">
            <Title order={2}>{o.name}</Title>
            <Group gap="xs">
              <Badge variant="light">time zone {o.time_zone}</Badge>
              <Badge variant="light">quota store down: {o.quota_failure_mode}</Badge>
              <Badge variant="light" color={o.prompt_logging ? 'orange' : 'gray'}>
                prompt logging {o.prompt_logging ? 'on' : 'off'}
              </Badge>
            </Group>
          </Group>
        )}
      </QueryView>

      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={3}>
            This period{' '}
            <Text span size="sm" c="dimmed">
              {dateTime(from)} – now {orgBudget ? `(the org's ${orgBudget.period} budget period)` : '(month to date, UTC)'}
            </Text>
          </Title>
          {!can.readOrg ? (
            <Text size="sm" c="dimmed">Spend figures need an organization role.</Text>
          ) : policies.isSuccess && !orgPolicy ? (
            <Text size="sm" c="dimmed">Spend figures are read from the ledger through the routing policy&apos;s what-if replay; create a routing policy first.</Text>
          ) : usage.isError ? (
            <ErrorNotice error={usage.error} onRetry={() => usage.refetch()} />
          ) : !usage.data ? (
            <Loading label="Reading the ledger…" />
          ) : (
            <>
              <SimpleGrid cols={{ base: 2, sm: 4 }}>
                <Stat label="Requests (chat)" value={String(usage.data.requests)} />
                <Stat label="Spend" value={usd(usage.data.actual_cost_usd)} />
                <Stat label="Budget" value={orgBudget ? `${usd(orgBudget.amount_usd)} ${orgBudget.hard ? 'hard' : 'soft'}` : 'none on the org'} />
                <Stat label="Budget used" value={percent === null ? '—' : `${percent.toFixed(1)} %`} />
              </SimpleGrid>
              {percent !== null && <Progress value={percent} color={percent >= 90 ? 'red' : percent >= 70 ? 'orange' : 'blue'} aria-label="Budget used" />}
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <div>
                  <Text size="sm" fw={600} mb={4}>
                    Requests by data class
                  </Text>
                  <BarChart h={180} data={DATA_CLASSES.map((c) => ({ class: c, requests: usage.data.class_mix[c] ?? 0 }))} dataKey="class" series={[{ name: 'requests', color: 'blue.6' }]} />
                </div>
                <div>
                  <Text size="sm" fw={600} mb={4}>
                    Requests by task tier
                  </Text>
                  <BarChart h={180} data={TASK_TIERS.map((t) => ({ tier: t, requests: usage.data.tier_mix[t] ?? 0 }))} dataKey="tier" series={[{ name: 'requests', color: 'teal.6' }]} />
                </div>
              </SimpleGrid>
              <Text size="xs" c="dimmed">
                From the usage ledger (chat and messages requests; updated every 15 s). {usage.data.skipped > 0 && `${usage.data.skipped} requests were recorded before the router scored them and have no class.`}
              </Text>
            </>
          )}
        </Stack>
      </Paper>

      <Alert color="gray" title="Coming with the billing reports">
        Burn-rate projection, savings against the default model, top teams, keys and models, the usage explorer, egress report and reconciliation findings need the billing
        reports, which the admin API does not offer yet.
      </Alert>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={3} mb="xs">
            Budgets
          </Title>
          <QueryView query={budgets} isEmpty={(d) => d.items.length === 0} empty="No budgets.">
            {(d) => (
              <Table>
                <Table.Tbody>
                  {d.items.slice(0, 8).map((b) => (
                    <Table.Tr key={b.id}>
                      <Table.Td>{names.label(b)}</Table.Td>
                      <Table.Td>
                        {usd(b.amount_usd)} {b.period}
                      </Table.Td>
                      <Table.Td>{b.hard ? 'hard' : 'soft'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </QueryView>
        </Paper>
        {can.readOrg && (
          <Paper withBorder p="md">
            <Title order={3} mb="xs">
              Latest alerts
            </Title>
            <QueryView query={alerts} isEmpty={(d) => d.items.length === 0} empty="No alerts.">
              {(d) => (
                <Table>
                  <Table.Tbody>
                    {d.items.map((a) => (
                      <Table.Tr key={a.id}>
                        <Table.Td>{dateTime(a.occurred_at)}</Table.Td>
                        <Table.Td>{alertLabel(a)}</Table.Td>
                        <Table.Td>
                          {usd(a.spent_usd)} of {usd(a.amount_usd)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </QueryView>
          </Paper>
        )}
      </SimpleGrid>
    </Stack>
  );
}
