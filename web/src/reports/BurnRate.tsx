// Burn rate: for every budget, this period's spend, how fast it is going, and whether the budget
// runs out before the period ends — computed by the API from the ledger (nothing estimated here).

import { Badge, Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { DataTable, type DataColumn } from '../components/DataTable';
import { dateTime, usd } from '../components/format';
import { Section } from '../components/Section';
import { useOrg } from '../components/Shell';
import { QueryView } from '../components/states';
import { useTargetNames } from '../components/TargetSelect';
import { chartNumber, fetchBurnRate, type BurnRate } from './api';

/** Share of the budget spent, 0–100 (display only). */
export function spentPercent(b: BurnRate): number {
  const amount = chartNumber(b.amount_usd);
  return amount > 0 ? Math.min(100, (chartNumber(b.spent_usd) / amount) * 100) : 0;
}

export function useBurnRate(orgId: string, enabled = true) {
  return useQuery({ queryKey: ['report-burn-rate', orgId], enabled, refetchInterval: 60_000, queryFn: () => fetchBurnRate(orgId) });
}

export function BurnRateTable({ orgId, limit }: { orgId: string; limit?: number }) {
  const names = useTargetNames(orgId);
  const burn = useBurnRate(orgId);
  const target = (b: BurnRate) => names.label(b.scope === 'team' ? { team_id: b.scope_id } : b.scope === 'key' ? { key_id: b.scope_id } : {});
  const columns: DataColumn<BurnRate>[] = [
    { header: 'Budget', cell: (b) => `${target(b)} · ${b.period}` },
    {
      header: 'Spent',
      cell: (b) => (
        <Stack gap={4} miw={140}>
          <Text size="sm">
            {usd(b.spent_usd)} of {usd(b.amount_usd)}
          </Text>
          <Progress value={spentPercent(b)} color={b.exhausts_before_period_end ? 'red' : 'blue'} aria-label={`Budget used: ${spentPercent(b).toFixed(0)} %`} />
        </Stack>
      ),
    },
    { header: 'Per hour', cell: (b) => usd(b.velocity_usd_per_hour) },
    { header: 'Projected by period end', cell: (b) => usd(b.projected_spend_usd) },
    {
      header: 'Runs out',
      cell: (b) =>
        b.exhausts_before_period_end ? (
          <Badge color="red">{dateTime(b.projected_exhaustion_at)}</Badge>
        ) : (
          <Text size="sm" c="dimmed">
            not this period (ends {dateTime(b.period_end)})
          </Text>
        ),
    },
  ];
  return (
    <QueryView query={burn} isEmpty={(d) => d.length === 0} empty="No budgets: nothing to project. Add one under Budgets & rate limits.">
      {(d) => {
        // Budgets that run out first, then the fullest.
        const rows = [...d].sort((a, b) => Number(b.exhausts_before_period_end) - Number(a.exhausts_before_period_end) || spentPercent(b) - spentPercent(a));
        return <DataTable rows={limit ? rows.slice(0, limit) : rows} columns={columns} rowKey={(b) => b.budget_id} label="Burn rate by budget" minWidth={760} />;
      }}
    </QueryView>
  );
}

export function BurnRatePage() {
  const { orgId } = useOrg();
  return (
    <Section title="Burn rate">
      <Text size="sm" c="dimmed">
        This period&apos;s spend of every budget, its velocity, and when it runs out at that pace.
      </Text>
      <BurnRateTable orgId={orgId} />
    </Section>
  );
}
