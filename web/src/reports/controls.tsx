// Inputs shared by the report screens: the day range, the usage filters, and the rows' labels.

import { Group, Select, TextInput } from '@mantine/core';
import { useKeys, useModels, useProviders, useTeams } from '../api/queries';
import { DATA_CLASSES } from '../policy/model';
import type { UsageFilters, UsageRow } from './api';

export function DateRangeInputs({ from, to, onChange }: { from: string; to: string; onChange: (range: { from: string; to: string }) => void }) {
  const error = from && to && from > to ? 'Ends before it starts.' : undefined;
  return (
    <>
      <TextInput label="From (UTC day)" type="date" value={from} max={to || undefined} onChange={(e) => onChange({ from: e.currentTarget.value, to })} w={170} />
      <TextInput label="To (UTC day, included)" type="date" value={to} min={from || undefined} error={error} onChange={(e) => onChange({ from, to: e.currentTarget.value })} w={190} />
    </>
  );
}

/** Whether a range can be asked for: both days set and in order. */
export function validRange(r: { from: string; to: string }): boolean {
  return !!r.from && !!r.to && r.from <= r.to;
}

export function UsageFilterInputs({ orgId, value, onChange }: { orgId: string; value: UsageFilters; onChange: (next: UsageFilters) => void }) {
  const teams = useTeams(orgId);
  const keys = useKeys(orgId);
  const models = useModels();
  const providers = useProviders();
  const set = (patch: UsageFilters) => onChange({ ...value, ...patch });
  const common = { clearable: true, searchable: true, w: 180, placeholder: 'All' } as const;
  return (
    <Group align="flex-end" gap="sm">
      <Select label="Team" {...common} value={value.team_id ?? null} onChange={(v) => set({ team_id: v ?? undefined })} data={(teams.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))} />
      <Select label="Key" {...common} value={value.key_id ?? null} onChange={(v) => set({ key_id: v ?? undefined })} data={(keys.data?.items ?? []).map((k) => ({ value: k.id, label: `${k.name} (…${k.last4})` }))} />
      <Select label="Model" {...common} value={value.model ?? null} onChange={(v) => set({ model: v ?? undefined })} data={[...new Set((models.data?.items ?? []).map((m) => m.name))]} />
      <Select label="Provider" {...common} value={value.provider_id ?? null} onChange={(v) => set({ provider_id: v ?? undefined })} data={(providers.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} />
      <Select label="Data class" {...common} value={value.data_class ?? null} onChange={(v) => set({ data_class: v ?? undefined })} data={[...DATA_CLASSES]} />
    </Group>
  );
}

export const GROUP_LABEL: Record<string, string> = {
  day: 'Day',
  team: 'Team',
  key: 'Key',
  model: 'Model',
  provider: 'Provider',
  data_class: 'Data class',
  route_reason: 'Route reason',
};

/** What a row is called: the server's label (team or key name…) or its key. */
export function rowName(row: UsageRow): string {
  return row.label ?? row.key;
}

export function tokens(n: number): string {
  return n.toLocaleString('en-US');
}

/** `saved / counterfactual` as a percentage for display, or a dash when there is nothing to compare. */
export function savedPercent(saved: string, counterfactual: string): string {
  const c = Number(counterfactual);
  if (!Number.isFinite(c) || c <= 0) return '—';
  return `${((Number(saved) / c) * 100).toFixed(1)} %`;
}
