// Registering and changing a provider: kind (fixed once created), base URL, trust tier, region,
// data terms and the write-only API key. The API re-checks the base URL against the trust tier
// (SSRF rules: only `local` providers may point at loopback or private addresses).

import { Checkbox, Select, SimpleGrid, Switch, TextInput, PasswordInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { FormModal } from '../components/FormModal';
import { checkCount } from '../components/validation';
import { useFormMutation } from '../components/useFormMutation';

type Provider = Schemas['Provider'];

export const TRUST_OPTIONS = [
  { value: 'local', label: 'local — runs on your own machines' },
  { value: 'private', label: 'private — your cloud tenancy / contractual' },
  { value: 'external', label: 'external — a third-party API' },
];

const KINDS = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'openai_compatible', label: 'OpenAI-compatible (vLLM, Ollama, llama.cpp…)' },
];

export interface ProviderForm {
  name: string;
  kind: string;
  base_url: string;
  trust_tier: string;
  region: string;
  retention: string;
  trains: boolean;
  zdr: boolean;
  enabled: boolean;
  credentials: string;
  removeCredentials: boolean;
}

export function providerForm(p: Provider | null): ProviderForm {
  return {
    name: p?.name ?? '',
    kind: p?.kind ?? 'openai_compatible',
    base_url: p?.base_url ?? '',
    trust_tier: p?.trust_tier ?? 'external',
    region: p?.region ?? '',
    retention: p?.data_terms.retention_days == null ? '' : String(p.data_terms.retention_days),
    trains: p?.data_terms.trains_on_data ?? false,
    zdr: p?.data_terms.zero_data_retention ?? false,
    enabled: p?.enabled ?? true,
    credentials: '',
    removeCredentials: false,
  };
}

/** Problems found before sending (the API checks the URL and name rules again). */
export function validateProvider(f: ProviderForm): Record<string, string> {
  const e: Record<string, string> = {};
  if (!/^[a-z0-9._-]{1,100}$/.test(f.name.trim())) e.name = '1–100 characters of a-z, 0-9, "-", "_" and ".".';
  if (!/^https?:\/\/\S+$/.test(f.base_url.trim())) e.base_url = 'A URL such as https://api.example.com/v1.';
  else if (f.trust_tier !== 'local' && !f.base_url.trim().startsWith('https://')) e.base_url = 'Only local providers may use plain http.';
  const r = checkCount(f.retention, { allowZero: true });
  if (r.error) e['data_terms.retention_days'] = r.error;
  return e;
}

export function ProviderDialog({ provider, onClose }: { provider: Provider | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [f, setF] = useState(() => providerForm(provider));
  const set = (patch: Partial<ProviderForm>) => setF({ ...f, ...patch });
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () => {
      const common = {
        name: f.name.trim(),
        base_url: f.base_url.trim(),
        trust_tier: f.trust_tier as Schemas['TrustTier'],
        region: f.region.trim() || null,
        enabled: f.enabled,
        data_terms: { retention_days: checkCount(f.retention, { allowZero: true }).value, trains_on_data: f.trains, zero_data_retention: f.zdr },
      };
      if (!provider) {
        return api(() => client.POST('/api/v1/providers', { body: { ...common, kind: f.kind as Schemas['ProviderKind'], credentials: f.credentials || null } }));
      }
      // Write-only credentials: absent keeps the stored key, null removes it.
      const credentials = f.removeCredentials ? { credentials: null } : f.credentials ? { credentials: f.credentials } : {};
      return api(() => client.PATCH('/api/v1/providers/{provider_id}', { params: { path: { provider_id: provider.id } }, body: { ...common, ...credentials } }));
    },
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['providers'] });
      queryClient.invalidateQueries({ queryKey: ['models'] });
      onClose();
    },
    validate: () => validateProvider(f),
  });

  return (
    <FormModal
      title={provider ? `Provider ${provider.name}` : 'Register a provider'}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Save provider"
      pending={save.isPending}
      error={save.error}
      fieldErrors={errors}
      size="lg"
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Name" required value={f.name} error={errors.name} onChange={(e) => set({ name: e.currentTarget.value })} data-autofocus />
        {provider ? (
          <TextInput label="Kind" value={provider.kind} readOnly description="Cannot change: register a new provider instead." />
        ) : (
          <Select label="Kind" allowDeselect={false} data={KINDS} value={f.kind} error={errors.kind} onChange={(v) => set({ kind: v ?? f.kind })} />
        )}
      </SimpleGrid>
      <TextInput label="Base URL" required value={f.base_url} error={errors.base_url} onChange={(e) => set({ base_url: e.currentTarget.value })} placeholder="https://api.openai.com/v1" />
      <Select
        label="Trust tier"
        description="Decides which data classes the routing policy may send here."
        allowDeselect={false}
        value={f.trust_tier}
        onChange={(v) => set({ trust_tier: v ?? f.trust_tier })}
        error={errors.trust_tier}
        data={TRUST_OPTIONS}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Region" value={f.region} onChange={(e) => set({ region: e.currentTarget.value })} error={errors.region} placeholder="e.g. eu-west-1" />
        <TextInput label="Retention (days)" description="Empty: unknown." inputMode="numeric" value={f.retention} onChange={(e) => set({ retention: e.currentTarget.value })} error={errors['data_terms.retention_days']} />
      </SimpleGrid>
      <Checkbox label="Trains on submitted data" checked={f.trains} onChange={(e) => set({ trains: e.currentTarget.checked })} />
      <Checkbox label="Zero-data-retention agreement" checked={f.zdr} onChange={(e) => set({ zdr: e.currentTarget.checked })} />
      <Switch label="Enabled" checked={f.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
      <PasswordInput
        label="API key"
        description={provider?.has_credentials ? 'A key is stored. It is never shown; type a new one to replace it.' : 'No key stored. It is write-only: Sluice never shows it again.'}
        autoComplete="off"
        value={f.credentials}
        disabled={f.removeCredentials}
        onChange={(e) => set({ credentials: e.currentTarget.value })}
        error={errors.credentials}
      />
      {provider?.has_credentials && <Checkbox label="Remove the stored key" checked={f.removeCredentials} onChange={(e) => set({ removeCredentials: e.currentTarget.checked })} />}
    </FormModal>
  );
}
