// Savings: what requests cost against what the org's default model would have cost
// (counterfactual), and the difference, by team, key, route reason or day. Same report as the
// usage explorer, read for another question.

import { BarChart } from '@mantine/charts';
import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { DataTable, type DataColumn } from '../components/DataTable';
import { usd } from '../components/format';
import { useOrg } from '../components/Shell';
import { Stat } from '../components/Stat';
import { QueryView } from '../components/states';
import { chartNumber, monthToDate, type GroupBy, type UsageQuery, type UsageRow } from './api';
import { GROUP_LABEL, rowName, savedPercent } from './controls';
import { ReportSection } from './ReportSection';
import { useUsageReport } from './UsagePage';

const SAVINGS_GROUPS: readonly GroupBy[] = ['team', 'key', 'route_reason', 'day'];

export function savingsColumns(groupBy: GroupBy): DataColumn<UsageRow>[] {
  return [
    { header: GROUP_LABEL[groupBy], cell: rowName },
    { header: 'Requests', cell: (r) => String(r.requests) },
    { header: 'Actual cost', cell: (r) => usd(r.cost_usd) },
    { header: 'On the default model', cell: (r) => usd(r.counterfactual_cost_usd) },
    { header: 'Saved', cell: (r) => usd(r.saved_usd) },
    { header: 'Saved %', cell: (r) => savedPercent(r.saved_usd, r.counterfactual_cost_usd) },
  ];
}

export function SavingsPage() {
  const { orgId } = useOrg();
  const [range, setRange] = useState(monthToDate);
  const [groupBy, setGroupBy] = useState<GroupBy>('team');
  const q: UsageQuery = { ...range, group_by: groupBy };
  const report = useUsageReport(orgId, q);
  return (
    <ReportSection
      title="Savings"
      csv={{ report: 'usage', query: { ...q }, filename: `savings-${q.from}-${q.to}-by-${groupBy}.csv` }}
      range={range}
      onRange={setRange}
      grouping={{ value: groupBy, onChange: setGroupBy, options: SAVINGS_GROUPS }}
    >
      <Text size="sm" c="dimmed">
        Every request is also priced on the routing policy&apos;s default model — what it would have cost without Sluice. Saved is the difference.
      </Text>
      <QueryView query={report} isEmpty={(d) => d.rows.length === 0} empty="No requests in this range.">
        {(d) => (
          <Stack>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <Stat label="Actual cost" value={usd(d.totals.cost_usd)} />
              <Stat label="On the default model" value={usd(d.totals.counterfactual_cost_usd)} />
              <Stat label="Saved" value={usd(d.totals.saved_usd)} color="teal" />
              <Stat label="Saved %" value={savedPercent(d.totals.saved_usd, d.totals.counterfactual_cost_usd)} color="teal" />
            </SimpleGrid>
            <Paper withBorder p="md">
              <Text size="sm" fw={600} mb="xs">
                Actual vs default model by {GROUP_LABEL[groupBy].toLowerCase()} (USD)
              </Text>
              <BarChart
                h={260}
                data={d.rows.map((r) => ({ group: rowName(r), actual: chartNumber(r.cost_usd), counterfactual: chartNumber(r.counterfactual_cost_usd) }))}
                dataKey="group"
                withLegend
                series={[
                  { name: 'actual', label: 'Actual', color: 'blue.6' },
                  { name: 'counterfactual', label: 'Default model', color: 'gray.5' },
                ]}
              />
            </Paper>
            <DataTable rows={d.rows} columns={savingsColumns(groupBy)} rowKey={(r) => r.key} label={`Savings by ${GROUP_LABEL[groupBy].toLowerCase()}`} minWidth={700} />
          </Stack>
        )}
      </QueryView>
    </ReportSection>
  );
}
