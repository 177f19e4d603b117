// Usage & spend explorer: requests, tokens and cost for a range of days, grouped one way and
// filtered by team, key, model, provider or data class. The chart shows cost per group; the table
// is exact; the CSV is the server's (`format=csv`), so it holds exactly what the API reports.

import { BarChart } from '@mantine/charts';
import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable, type DataColumn } from '../components/DataTable';
import { usd } from '../components/format';
import { useOrg } from '../components/Shell';
import { Stat } from '../components/Stat';
import { QueryView } from '../components/states';
import { GROUP_BYS, chartNumber, fetchUsage, monthToDate, type GroupBy, type UsageFilters, type UsageQuery, type UsageRow } from './api';
import { GROUP_LABEL, UsageFilterInputs, rowName, tokens, validRange } from './controls';
import { ReportSection } from './ReportSection';

export function usageColumns(groupBy: GroupBy): DataColumn<UsageRow>[] {
  return [
    { header: GROUP_LABEL[groupBy], cell: rowName },
    { header: 'Requests', cell: (r) => (r.estimated_requests ? `${r.requests} (${r.estimated_requests} estimated)` : String(r.requests)) },
    { header: 'Input tokens', cell: (r) => tokens(r.input_tokens) },
    { header: 'Cached input', cell: (r) => tokens(r.cached_input_tokens) },
    { header: 'Cache writes', cell: (r) => tokens(r.cache_write_input_tokens) },
    { header: 'Output tokens', cell: (r) => tokens(r.output_tokens) },
    { header: 'Cost', cell: (r) => usd(r.cost_usd) },
    { header: 'Saved', cell: (r) => usd(r.saved_usd) },
  ];
}

export function useUsageReport(orgId: string, q: UsageQuery) {
  return useQuery({ queryKey: ['report-usage', orgId, q], enabled: validRange(q), queryFn: () => fetchUsage(orgId, q) });
}

export function UsagePage() {
  const { orgId } = useOrg();
  const [range, setRange] = useState(monthToDate);
  const [groupBy, setGroupBy] = useState<GroupBy>('day');
  const [filters, setFilters] = useState<UsageFilters>({});
  const q: UsageQuery = { ...range, group_by: groupBy, ...filters };
  const report = useUsageReport(orgId, q);
  return (
    <ReportSection
      title="Usage & spend"
      csv={{ report: 'usage', query: { ...q }, filename: `usage-${q.from}-${q.to}-by-${groupBy}.csv` }}
      range={range}
      onRange={setRange}
      grouping={{ value: groupBy, onChange: setGroupBy, options: GROUP_BYS }}
    >
      <UsageFilterInputs orgId={orgId} value={filters} onChange={setFilters} />
      <QueryView query={report} isEmpty={(d) => d.rows.length === 0} empty="No requests in this range with these filters.">
        {(d) => (
          <Stack>
            <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
              <Stat label="Requests" value={tokens(d.totals.requests)} />
              <Stat label="Input tokens" value={tokens(d.totals.input_tokens)} />
              <Stat label="Output tokens" value={tokens(d.totals.output_tokens)} />
              <Stat label="Cost" value={usd(d.totals.cost_usd)} />
              <Stat label="Default model would cost" value={usd(d.totals.counterfactual_cost_usd)} />
              <Stat label="Saved" value={usd(d.totals.saved_usd)} color="teal" />
            </SimpleGrid>
            <Paper withBorder p="md">
              <Text size="sm" fw={600} mb="xs">
                Cost by {GROUP_LABEL[groupBy].toLowerCase()} (USD)
              </Text>
              <BarChart h={260} data={d.rows.map((r) => ({ group: rowName(r), cost: chartNumber(r.cost_usd) }))} dataKey="group" series={[{ name: 'cost', label: 'Cost (USD)', color: 'blue.6' }]} />
            </Paper>
            <DataTable rows={d.rows} columns={usageColumns(groupBy)} rowKey={(r) => r.key} label={`Usage by ${GROUP_LABEL[groupBy].toLowerCase()}`} minWidth={900} />
            {d.totals.estimated_requests > 0 && (
              <Text size="xs" c="dimmed">
                {d.totals.estimated_requests} requests have estimated token counts (the provider reported no usage, e.g. a stream that was cut).
              </Text>
            )}
          </Stack>
        )}
      </QueryView>
    </ReportSection>
  );
}
