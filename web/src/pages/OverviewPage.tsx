// The org at a glance. This period's requests, spend and data-class mix come from the ledger
// through the what-if replay (run with the org's own policy, so "actual" is what was really
// spent); budgets' burn rate, savings against the default model and the top spenders come from
// the billing reports. Nothing here is projected in the browser.

import { BarChart } from '@mantine/charts';
import { Anchor, Badge, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, client } from '../api/client';
import { REPORT_UNAVAILABLE } from '../api/errors';
import { useAlerts, useBudgets, useOrgDetails, usePolicies } from '../api/queries';
import { DataTable } from '../components/DataTable';
import { alertLabel, dateTime, usd } from '../components/format';
import { useOrg } from '../components/Shell';
import { Stat } from '../components/Stat';
import { ErrorNotice, Loading, QueryView } from '../components/states';
import { DATA_CLASSES, TASK_TIERS } from '../policy/model';
import { monthToDate, type GroupBy } from '../reports/api';
import { BurnRateTable, useBurnRate } from '../reports/BurnRate';
import { rowName, savedPercent } from '../reports/controls';
import { useUsageReport } from '../reports/UsagePage';

function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Tomorrow 00:00 UTC: a stable end for "up to now" (it is part of the query key). */
function nextDayUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function Panel({ title, link, children }: { title: string; link?: { to: string; label: string }; children: ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={3}>{title}</Title>
        {link && (
          <Anchor component={Link} to={link.to} size="sm">
            {link.label}
          </Anchor>
        )}
      </Group>
      {children}
    </Paper>
  );
}

export function OverviewPage() {
  const { orgId, can } = useOrg();
  const org = useOrgDetails(orgId);
  const budgets = useBudgets(orgId);
  const policies = usePolicies(orgId, can.readOrg);
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
  const alerts = useAlerts(orgId, 5, can.readOrg);
  // Shared with BurnRateTable (same query): read here to tell an older server from a failure.
  const burn = useBurnRate(orgId, can.readOrg);
  const base = `/orgs/${orgId}`;

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
              <SimpleGrid cols={{ base: 2, sm: 3 }}>
                <Stat label="Requests (chat)" value={String(usage.data.requests)} />
                <Stat label="Spend" value={usd(usage.data.actual_cost_usd)} />
                <Stat label="Budget" value={orgBudget ? `${usd(orgBudget.amount_usd)} ${orgBudget.hard ? 'hard' : 'soft'}` : 'none on the org'} />
              </SimpleGrid>
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

      {can.readOrg && (
        <>
          <Panel title="Burn rate" link={{ to: `${base}/reports/burn-rate`, label: 'All budgets' }}>
            <ReportGate error={burn.error}>
              <BurnRateTable orgId={orgId} limit={5} />
            </ReportGate>
          </Panel>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Panel title="Savings this month" link={{ to: `${base}/reports/savings`, label: 'Savings report' }}>
              <SavingsSummary orgId={orgId} />
            </Panel>
            <Panel title="Top spenders this month" link={{ to: `${base}/reports/usage`, label: 'Usage & spend' }}>
              <TopSpenders orgId={orgId} />
            </Panel>
          </SimpleGrid>
          <Panel title="Latest alerts" link={{ to: `${base}/alerts`, label: 'All alerts' }}>
            <QueryView query={alerts} isEmpty={(d) => d.items.length === 0} empty="No alerts.">
              {(d) => (
                <DataTable
                  rows={d.items}
                  rowKey={(a) => a.id}
                  label="Latest alerts"
                  minWidth={360}
                  columns={[
                    { header: 'When', cell: (a) => dateTime(a.occurred_at) },
                    { header: 'Alert', cell: (a) => alertLabel(a) },
                    { header: 'Spent', cell: (a) => `${usd(a.spent_usd)} of ${usd(a.amount_usd)}` },
                  ]}
                />
              )}
            </QueryView>
          </Panel>
        </>
      )}
    </Stack>
  );
}

/** A report panel; a server without the reports shows a quiet note instead of an error. */
function ReportGate({ children, error }: { children: ReactNode; error?: unknown }) {
  if ((error as { code?: string } | undefined)?.code === REPORT_UNAVAILABLE) {
    return (
      <Text size="sm" c="dimmed">
        This Sluice server does not offer the billing reports yet.
      </Text>
    );
  }
  return <>{children}</>;
}

function SavingsSummary({ orgId }: { orgId: string }) {
  const report = useUsageReport(orgId, { ...monthToDate(), group_by: 'route_reason' });
  return (
    <ReportGate error={report.error}>
      <QueryView query={report}>
        {(d) => (
          <SimpleGrid cols={2}>
            <Stat label="Actual cost" value={usd(d.totals.cost_usd)} />
            <Stat label="On the default model" value={usd(d.totals.counterfactual_cost_usd)} />
            <Stat label="Saved" value={usd(d.totals.saved_usd)} color="teal" />
            <Stat label="Saved %" value={savedPercent(d.totals.saved_usd, d.totals.counterfactual_cost_usd)} color="teal" />
          </SimpleGrid>
        )}
      </QueryView>
    </ReportGate>
  );
}

function TopSpenders({ orgId }: { orgId: string }) {
  const [by, setBy] = useState<GroupBy>('team');
  const report = useUsageReport(orgId, { ...monthToDate(), group_by: by });
  return (
    <Stack gap="xs">
      <SegmentedControl
        size="xs"
        value={by}
        onChange={(v) => setBy(v as GroupBy)}
        data={[
          { value: 'team', label: 'Teams' },
          { value: 'key', label: 'Keys' },
          { value: 'model', label: 'Models' },
        ]}
        aria-label="Top spenders by"
      />
      <ReportGate error={report.error}>
        <QueryView query={report} isEmpty={(d) => d.rows.length === 0} empty="No spend this month.">
          {(d) => (
            <DataTable
              rows={[...d.rows].sort((a, b) => Number(b.cost_usd) - Number(a.cost_usd)).slice(0, 5)}
              rowKey={(r) => r.key}
              label="Top spenders"
              minWidth={300}
              columns={[
                { header: 'Name', cell: rowName },
                { header: 'Requests', cell: (r) => String(r.requests) },
                { header: 'Cost', cell: (r) => usd(r.cost_usd) },
              ]}
            />
          )}
        </QueryView>
      </ReportGate>
    </Stack>
  );
}
