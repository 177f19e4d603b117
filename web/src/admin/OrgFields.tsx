// An organization's settings as form fields, shared by "create an organization" (platform
// admins) and the organization's own settings screen.

import { Alert, Select, Switch, TextInput } from '@mantine/core';
import type { Schemas } from '../api/client';

export interface OrgForm {
  name: string;
  time_zone: string;
  quota_failure_mode: Schemas['QuotaFailureMode'];
  prompt_logging: boolean;
}

export function orgForm(org?: Schemas['Org']): OrgForm {
  return { name: org?.name ?? '', time_zone: org?.time_zone ?? 'UTC', quota_failure_mode: org?.quota_failure_mode ?? 'deny', prompt_logging: org?.prompt_logging ?? false };
}

const FAILURE_MODES = [
  { value: 'deny', label: 'deny — refuse requests (never exceeds a budget)' },
  { value: 'local', label: 'local — each gateway enforces its share locally' },
  { value: 'allow', label: 'allow — admit requests without limits' },
];

function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? ['UTC', ...intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')] : ['UTC'];
}

export function validateOrg(f: OrgForm): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.name.trim()) e.name = 'Give the organization a name.';
  else if (f.name.trim().length > 200) e.name = 'At most 200 characters.';
  if (!f.time_zone.trim()) e.time_zone = 'Choose a time zone (UTC if unsure).';
  return e;
}

export function OrgFields({ form, onChange, errors, readOnly = false }: { form: OrgForm; onChange: (f: OrgForm) => void; errors: Record<string, string>; readOnly?: boolean }) {
  return (
    <>
      <TextInput label="Name" required readOnly={readOnly} value={form.name} error={errors.name} onChange={(e) => onChange({ ...form, name: e.currentTarget.value })} data-autofocus />
      <Select
        label="Time zone"
        description="Daily, weekly and monthly budgets reset at local midnight here."
        searchable
        allowDeselect={false}
        disabled={readOnly}
        // ~400 zones: render a page of matches, type to narrow.
        limit={60}
        data={timeZones()}
        value={form.time_zone}
        error={errors.time_zone}
        onChange={(v) => onChange({ ...form, time_zone: v ?? form.time_zone })}
      />
      <Select
        label="When the quota store (Redis) is down"
        allowDeselect={false}
        disabled={readOnly}
        data={FAILURE_MODES}
        value={form.quota_failure_mode}
        error={errors.quota_failure_mode}
        onChange={(v) => onChange({ ...form, quota_failure_mode: (v ?? form.quota_failure_mode) as Schemas['QuotaFailureMode'] })}
      />
      <Switch
        label="Keep prompts in the ledger (prompt logging)"
        description="Off: no prompt text is stored, only counts and classes. Turning it on or off is recorded in the audit log."
        disabled={readOnly}
        checked={form.prompt_logging}
        onChange={(e) => onChange({ ...form, prompt_logging: e.currentTarget.checked })}
      />
      {form.prompt_logging && !readOnly && (
        <Alert color="orange" role="status">
          Prompts (as sent upstream, after redaction) will be stored with every request. Make sure this is allowed for the data your teams send.
        </Alert>
      )}
    </>
  );
}
