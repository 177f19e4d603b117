// Reconciliation findings: the org's ledger against its imported invoices, per provider × model
// × day × token type, mismatches first (see docs/billing.md). Org admins import invoices here.

import { Badge, Group, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { CsvButton, DataTable, type DataColumn } from '../components/DataTable';
import { usd } from '../components/format';
import { Section } from '../components/Section';
import { useOrg } from '../components/Shell';
import { Stat } from '../components/Stat';
import { QueryView } from '../components/states';
import { monthToDate } from './api';
import { tokens, validRange } from './controls';
import { InvoiceImportPanel } from './InvoiceImport';
import { ReportSection } from './ReportSection';

type Finding = Schemas['ReconciliationFinding'];

export const CLASS_INFO: Record<string, { label: string; color: string }> = {
  matched: { label: 'matched', color: 'green' },
  missing_in_ledger: { label: 'missing in ledger', color: 'red' },
  missing_in_invoice: { label: 'missing in invoice', color: 'orange' },
  quantity_mismatch: { label: 'quantity mismatch', color: 'yellow' },
  price_mismatch: { label: 'price mismatch', color: 'yellow' },
  duplicate_line: { label: 'duplicate line', color: 'grape' },
};

const count = (n: number | null | undefined) => (n === null || n === undefined ? '—' : tokens(n));

export const FINDING_COLUMNS: DataColumn<Finding>[] = [
  { header: 'Finding', cell: (f) => <Badge color={CLASS_INFO[f.class]?.color ?? 'gray'}>{CLASS_INFO[f.class]?.label ?? f.class}</Badge>, csvHeader: 'class', csv: (f) => f.class },
  { header: 'Day', cell: (f) => f.day, csvHeader: 'day', csv: (f) => f.day },
  { header: 'Provider', cell: (f) => f.provider, csvHeader: 'provider', csv: (f) => f.provider },
  { header: 'Model', cell: (f) => (f.scope ? `${f.model} (${f.scope})` : f.model), csvHeader: 'model', csv: (f) => f.model },
  { header: 'scope', csv: (f) => f.scope },
  { header: 'Tokens', cell: (f) => f.token_type, csvHeader: 'token_type', csv: (f) => f.token_type },
  { header: 'Ledger qty', cell: (f) => count(f.ledger_quantity), csvHeader: 'ledger_quantity', csv: (f) => f.ledger_quantity },
  { header: 'Invoice qty', cell: (f) => count(f.invoice_quantity), csvHeader: 'invoice_quantity', csv: (f) => f.invoice_quantity },
  { header: 'Ledger', cell: (f) => usd(f.ledger_amount_usd), csvHeader: 'ledger_amount_usd', csv: (f) => f.ledger_amount_usd },
  { header: 'Invoice', cell: (f) => usd(f.invoice_amount_usd), csvHeader: 'invoice_amount_usd', csv: (f) => f.invoice_amount_usd },
  { header: 'Difference', cell: (f) => usd(f.amount_difference_usd), csvHeader: 'amount_difference_usd', csv: (f) => f.amount_difference_usd },
];

export function ReconciliationPage() {
  const { orgId, can } = useOrg();
  const [range, setRange] = useState(monthToDate);
  const [provider, setProvider] = useState<string | null>(null);
  const [toleranceUsd, setToleranceUsd] = useState('');
  const [mismatchesOnly, setMismatchesOnly] = useState(false);
  const query = { from: range.from, to: range.to, provider: provider ?? undefined, tolerance_usd: toleranceUsd.trim() || undefined };
  const report = useQuery({
    queryKey: ['reconciliation', orgId, query],
    enabled: validRange(range),
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/billing/reconciliation', { params: { path: { org_id: orgId }, query } })),
  });
  const providers = report.data?.providers ?? [];
  return (
    <Stack gap="xl">
      <ReportSection title="Invoice reconciliation" range={range} onRange={setRange}>
        <Group align="flex-end" gap="sm">
          <Select label="Provider" placeholder="Every imported" clearable w={200} value={provider} onChange={setProvider} data={provider && !providers.includes(provider) ? [...providers, provider] : providers} />
          <TextInput label="Tolerance (USD)" placeholder="0.01" w={140} value={toleranceUsd} onChange={(e) => setToleranceUsd(e.currentTarget.value)} />
          <Switch label="Mismatches only" checked={mismatchesOnly} onChange={(e) => setMismatchesOnly(e.currentTarget.checked)} />
        </Group>
        <QueryView query={report} isEmpty={(d) => d.findings.length === 0} empty="Nothing to compare: no invoice imported for this range (and no usage of an imported provider).">
          {(d) => {
            const rows = mismatchesOnly ? d.findings.filter((f) => f.class !== 'matched') : d.findings;
            return (
              <Stack>
                <SimpleGrid cols={{ base: 2, sm: 4 }}>
                  <Stat label="Ledger at prices in force" value={usd(d.totals.ledger_amount_usd)} />
                  <Stat label="Charged to budgets" value={usd(d.totals.ledger_charged_usd)} />
                  <Stat label="Invoiced" value={usd(d.totals.invoice_amount_usd)} />
                  <Stat label="Invoice − ledger" value={usd(d.totals.amount_difference_usd)} color={Number(d.totals.amount_difference_usd) === 0 ? undefined : 'red'} />
                </SimpleGrid>
                <Group gap="xs" aria-label="Findings by class">
                  {d.totals.by_class.map((c) => (
                    <Badge key={c.class} color={CLASS_INFO[c.class]?.color ?? 'gray'} variant="light">
                      {CLASS_INFO[c.class]?.label ?? c.class}: {c.findings} ({usd(c.amount_difference_usd)})
                    </Badge>
                  ))}
                </Group>
                <Group justify="space-between">
                  <Text size="xs" c="dimmed">
                    Providers: {d.providers.join(', ') || '—'}. Tolerance: {usd(d.tolerance.absolute_usd)} or {Number(d.tolerance.relative) * 100} %, {d.tolerance.absolute_tokens} tokens.
                  </Text>
                  <CsvButton filename={`reconciliation-${d.from}-${d.to}.csv`} rows={rows} columns={FINDING_COLUMNS} />
                </Group>
                <DataTable rows={rows} columns={FINDING_COLUMNS} rowKey={(f, i) => `${i}:${f.class}:${f.provider}:${f.model}:${f.day}:${f.token_type}`} label="Reconciliation findings" minWidth={1000} />
              </Stack>
            );
          }}
        </QueryView>
      </ReportSection>
      {can.editOrg && (
        <Section title="Invoices" order={3}>
          <InvoiceImportPanel orgId={orgId} />
        </Section>
      )}
    </Stack>
  );
}
