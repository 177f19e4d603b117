// Egress: which data left through which provider, under which terms — per provider and data
// class, with the provider's trust tier, region and data terms in force. Rows where sensitive
// data left the environment are marked.

import { Badge, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable, type DataColumn } from '../components/DataTable';
import { TIER_COLOR } from '../components/format';
import { useOrg } from '../components/Shell';
import { Stat } from '../components/Stat';
import { QueryView } from '../components/states';
import { fetchEgress, monthToDate, type EgressRow } from './api';
import { tokens, validRange } from './controls';
import { ReportSection } from './ReportSection';

/** Sensitive data (anything but public) that went to a provider outside the environment. */
export function sensitiveEgress(r: EgressRow): boolean {
  return r.left_environment && r.data_class !== 'public';
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export const EGRESS_COLUMNS: DataColumn<EgressRow>[] = [
  { header: 'Provider', cell: (r) => r.provider_name },
  { header: 'Trust tier', cell: (r) => <Badge color={TIER_COLOR[r.trust_tier] ?? 'gray'}>{r.trust_tier}</Badge> },
  { header: 'Region', cell: (r) => r.region ?? '—' },
  {
    header: 'Data class',
    cell: (r) => (
      <Badge color={sensitiveEgress(r) ? 'red' : 'gray'} variant={sensitiveEgress(r) ? 'filled' : 'light'}>
        {r.data_class}
      </Badge>
    ),
  },
  { header: 'Left the environment', cell: (r) => yesNo(r.left_environment) },
  { header: 'Retention', cell: (r) => (r.retention_days === null ? 'unknown' : `${r.retention_days} days`) },
  { header: 'Trains on data', cell: (r) => yesNo(r.trains_on_data) },
  { header: 'Zero data retention', cell: (r) => yesNo(r.zero_data_retention) },
  { header: 'Requests', cell: (r) => tokens(r.requests) },
  { header: 'Input tokens', cell: (r) => tokens(r.input_tokens) },
  { header: 'Output tokens', cell: (r) => tokens(r.output_tokens) },
];

export function EgressPage() {
  const { orgId } = useOrg();
  const [range, setRange] = useState(monthToDate);
  const report = useQuery({ queryKey: ['report-egress', orgId, range], enabled: validRange(range), queryFn: () => fetchEgress(orgId, range.from, range.to) });
  return (
    <ReportSection title="Egress" csv={{ report: 'egress', query: { ...range }, filename: `egress-${range.from}-${range.to}.csv` }} range={range} onRange={setRange}>
      <Text size="sm" c="dimmed">
        Which data classes went to which provider, and the data terms in force when they did. Local providers keep data in your environment.
      </Text>
      <QueryView query={report} isEmpty={(d) => d.rows.length === 0} empty="No requests in this range.">
        {(d) => (
          <Stack>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <Stat label="Requests" value={tokens(d.totals.requests)} />
              <Stat label="Input tokens" value={tokens(d.totals.input_tokens)} />
              <Stat label="Output tokens" value={tokens(d.totals.output_tokens)} />
              <Stat
                label="Sensitive requests that left"
                value={tokens(d.rows.filter(sensitiveEgress).reduce((n, r) => n + r.requests, 0))}
                color={d.rows.some(sensitiveEgress) ? 'red' : undefined}
              />
            </SimpleGrid>
            <DataTable rows={d.rows} columns={EGRESS_COLUMNS} rowKey={(r) => `${r.provider_id}:${r.data_class}`} label="Egress by provider and data class" minWidth={1000} />
          </Stack>
        )}
      </QueryView>
    </ReportSection>
  );
}
