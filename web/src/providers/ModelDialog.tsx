// Registering and changing a model: its provider and mode are fixed once created; name, upstream
// name, capability tier, context window, output limit and enabled can change. A new model may
// carry its first price; later prices are new versions (PriceDialog).

import { Select, SimpleGrid, Switch, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { FormModal } from '../components/FormModal';
import { checkCount, checkPrice } from '../components/validation';
import { useFormMutation } from '../components/useFormMutation';

type Model = Schemas['Model'];

const TIERS = ['small', 'medium', 'large', 'reasoning'];

export interface ModelForm {
  provider_id: string | null;
  name: string;
  upstream_name: string;
  capability_tier: string;
  mode: string;
  context_window: string;
  max_output_tokens: string;
  enabled: boolean;
  input_price: string;
  output_price: string;
}

export function modelForm(m: Model | null): ModelForm {
  return {
    provider_id: m?.provider_id ?? null,
    name: m?.name ?? '',
    upstream_name: m?.upstream_name ?? '',
    capability_tier: m?.capability_tier ?? 'medium',
    mode: m?.mode ?? 'chat',
    context_window: m?.context_window == null ? '' : String(m.context_window),
    max_output_tokens: m?.max_output_tokens == null ? '' : String(m.max_output_tokens),
    enabled: m?.enabled ?? true,
    input_price: '',
    output_price: '',
  };
}

export function validateModel(f: ModelForm, creating: boolean): Record<string, string> {
  const e: Record<string, string> = {};
  if (creating && !f.provider_id) e.provider_id = 'Choose the provider that serves it.';
  if (!/^\S{1,200}$/.test(f.name.trim())) e.name = '1–200 characters without spaces.';
  if (!f.upstream_name.trim()) e.upstream_name = 'The name the provider knows the model by.';
  for (const k of ['context_window', 'max_output_tokens'] as const) {
    const c = checkCount(f[k]);
    if (c.error) e[k] = c.error;
  }
  if (creating && (f.input_price.trim() || f.output_price.trim())) {
    const i = checkPrice(f.input_price);
    const o = checkPrice(f.output_price);
    if (i) e['price.input_usd_per_mtok'] = i;
    if (o) e['price.output_usd_per_mtok'] = o;
  }
  return e;
}

export function ModelDialog({ model, providers, onClose }: { model: Model | null; providers: Schemas['Provider'][]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [f, setF] = useState(() => modelForm(model));
  const set = (patch: Partial<ModelForm>) => setF({ ...f, ...patch });
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () => {
      const common = {
        name: f.name.trim(),
        upstream_name: f.upstream_name.trim(),
        capability_tier: f.capability_tier as Schemas['CapabilityTier'],
        context_window: checkCount(f.context_window).value,
        max_output_tokens: checkCount(f.max_output_tokens).value,
        enabled: f.enabled,
      };
      if (model) return api(() => client.PATCH('/api/v1/models/{model_id}', { params: { path: { model_id: model.id } }, body: common }));
      const price = f.input_price.trim() ? { input_usd_per_mtok: f.input_price.trim(), output_usd_per_mtok: f.output_price.trim() } : null;
      return api(() => client.POST('/api/v1/models', { body: { ...common, provider_id: f.provider_id as string, mode: f.mode as Schemas['ModelMode'], price } }));
    },
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['models'] });
      onClose();
    },
    validate: () => validateModel(f, !model),
  });

  return (
    <FormModal title={model ? `Model ${model.name}` : 'Register a model'} onClose={onClose} onSubmit={submit} submitLabel="Save model" pending={save.isPending} error={save.error} fieldErrors={errors} size="lg">
      {model ? (
        <Text size="sm">
          Served by {model.provider_name} ({model.mode}). Provider and mode cannot change; prices change as new versions.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Provider"
            required
            allowDeselect={false}
            data={providers.map((p) => ({ value: p.id, label: `${p.name} (${p.trust_tier})` }))}
            value={f.provider_id}
            error={errors.provider_id}
            onChange={(v) => set({ provider_id: v })}
          />
          <Select label="Mode" allowDeselect={false} data={['chat', 'embedding']} value={f.mode} error={errors.mode} onChange={(v) => set({ mode: v ?? 'chat' })} />
        </SimpleGrid>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Name" description="What clients ask for; unique." required value={f.name} error={errors.name} onChange={(e) => set({ name: e.currentTarget.value })} data-autofocus />
        <TextInput label="Upstream name" description="What the provider calls it." required value={f.upstream_name} error={errors.upstream_name} onChange={(e) => set({ upstream_name: e.currentTarget.value })} />
        <Select label="Capability tier" allowDeselect={false} data={TIERS} value={f.capability_tier} error={errors.capability_tier} onChange={(v) => set({ capability_tier: v ?? f.capability_tier })} />
        <TextInput label="Context window (tokens)" inputMode="numeric" value={f.context_window} error={errors.context_window} onChange={(e) => set({ context_window: e.currentTarget.value })} />
        <TextInput label="Max output tokens" inputMode="numeric" value={f.max_output_tokens} error={errors.max_output_tokens} onChange={(e) => set({ max_output_tokens: e.currentTarget.value })} />
      </SimpleGrid>
      {!model && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Input price (USD / 1M tokens)" description="Optional first price." value={f.input_price} error={errors['price.input_usd_per_mtok']} onChange={(e) => set({ input_price: e.currentTarget.value })} />
          <TextInput label="Output price (USD / 1M tokens)" value={f.output_price} error={errors['price.output_usd_per_mtok']} onChange={(e) => set({ output_price: e.currentTarget.value })} />
        </SimpleGrid>
      )}
      <Switch label="Enabled" checked={f.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
    </FormModal>
  );
}
