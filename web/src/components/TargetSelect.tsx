// Choosing what a budget, rate limit or policy override applies to: the org, a team or a key.

import { Select } from '@mantine/core';
import { useKeys, useTeams } from '../api/queries';

export interface Target {
  team_id?: string | null;
  key_id?: string | null;
}

export function targetValue(t: Target): string {
  return t.key_id ? `key:${t.key_id}` : t.team_id ? `team:${t.team_id}` : 'org';
}

export function parseTarget(value: string): Target {
  const [kind, id] = value.split(':');
  return kind === 'key' ? { key_id: id } : kind === 'team' ? { team_id: id } : {};
}

export function useTargetNames(orgId: string) {
  const teams = useTeams(orgId);
  const keys = useKeys(orgId, { revoked: false });
  const names = new Map<string, string>();
  teams.data?.items.forEach((t) => names.set(`team:${t.id}`, `Team ${t.name}`));
  keys.data?.items.forEach((k) => names.set(`key:${k.id}`, `Key ${k.name} (${k.display_prefix}…${k.last4})`));
  names.set('org', 'The whole organization');
  return {
    label: (t: Target) => names.get(targetValue(t)) ?? targetValue(t),
    options: [
      { group: 'Organization', items: [{ value: 'org', label: 'The whole organization' }] },
      { group: 'Teams', items: (teams.data?.items ?? []).map((t) => ({ value: `team:${t.id}`, label: t.name })) },
      { group: 'Keys', items: (keys.data?.items ?? []).map((k) => ({ value: `key:${k.id}`, label: `${k.name} (${k.display_prefix}…${k.last4})` })) },
    ],
  };
}

export function TargetSelect({ orgId, value, onChange, error }: { orgId: string; value: string; onChange: (v: string) => void; error?: string }) {
  const { options } = useTargetNames(orgId);
  return <Select label="Applies to" searchable allowDeselect={false} value={value} onChange={(v) => onChange(v ?? 'org')} data={options} error={error} />;
}
