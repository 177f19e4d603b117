// Providers and models are shared by the whole installation: everyone reads them (the routing
// policy editor and the reports need them); platform admins register and change them.

import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { useModels, useProviders } from '../api/queries';
import type { DataColumn } from '../components/DataTable';
import { TIER_COLOR, dateTime, usd } from '../components/format';
import { EditDeleteActions } from '../components/RowActions';
import { TableSection } from '../components/Section';
import { useOrg } from '../components/Shell';
import { ModelDialog } from '../providers/ModelDialog';
import { PriceDialog } from '../providers/PriceDialog';
import { ProviderDialog } from '../providers/ProviderDialog';

type Provider = Schemas['Provider'];
type Model = Schemas['Model'];

function retention(days: number | null | undefined): string {
  return days === null || days === undefined ? 'unknown' : `${days} days`;
}

export function ProvidersPage() {
  const { can } = useOrg();
  const queryClient = useQueryClient();
  const providers = useProviders();
  const models = useModels();
  const [provider, setProvider] = useState<Provider | 'new' | null>(null);
  const [model, setModel] = useState<Model | 'new' | null>(null);
  const [pricing, setPricing] = useState<Model | null>(null);
  const admin = can.platformAdmin;
  const refresh = (key: string) => () => queryClient.invalidateQueries({ queryKey: [key] });

  const providerColumns: DataColumn<Provider>[] = [
    {
      header: 'Name',
      cell: (p) => (
        <>
          {p.name}
          <Text size="xs" c="dimmed">
            {p.base_url}
          </Text>
        </>
      ),
      csvHeader: 'name',
      csv: (p) => p.name,
    },
    { header: 'base_url', csv: (p) => p.base_url },
    { header: 'Kind', cell: (p) => p.kind, csvHeader: 'kind', csv: (p) => p.kind },
    { header: 'Trust tier', cell: (p) => <Badge color={TIER_COLOR[p.trust_tier]}>{p.trust_tier}</Badge>, csvHeader: 'trust_tier', csv: (p) => p.trust_tier },
    { header: 'Region', cell: (p) => p.region ?? '—', csvHeader: 'region', csv: (p) => p.region },
    {
      header: 'Data terms',
      cell: (p) => (
        <>
          <Text size="xs">retention: {retention(p.data_terms.retention_days)}</Text>
          <Text size="xs">trains on data: {p.data_terms.trains_on_data ? 'yes' : 'no'}</Text>
          <Text size="xs">zero data retention: {p.data_terms.zero_data_retention ? 'yes' : 'no'}</Text>
        </>
      ),
      csvHeader: 'retention_days',
      csv: (p) => p.data_terms.retention_days,
    },
    { header: 'trains_on_data', csv: (p) => p.data_terms.trains_on_data },
    { header: 'zero_data_retention', csv: (p) => p.data_terms.zero_data_retention },
    { header: 'Credentials', cell: (p) => (p.has_credentials ? 'stored (write-only)' : 'none'), csvHeader: 'has_credentials', csv: (p) => p.has_credentials },
    { header: 'Enabled', cell: (p) => (p.enabled ? 'yes' : 'no'), csvHeader: 'enabled', csv: (p) => p.enabled },
    {
      header: 'Actions',
      cell: (p) =>
        admin && (
          <EditDeleteActions
            onEdit={() => setProvider(p)}
            deleteTitle={`Delete provider ${p.name}?`}
            confirmLabel="Delete provider"
            onDelete={() => api(() => client.DELETE('/api/v1/providers/{provider_id}', { params: { path: { provider_id: p.id } } })).then(refresh('providers'))}
          >
            Only a provider without models can be deleted. Ledger rows keep its name and data terms.
          </EditDeleteActions>
        ),
    },
  ];

  const modelColumns: DataColumn<Model>[] = [
    {
      header: 'Name',
      cell: (m) => (
        <>
          {m.name}
          {m.upstream_name !== m.name && (
            <Text size="xs" c="dimmed">
              upstream: {m.upstream_name}
            </Text>
          )}
        </>
      ),
      csvHeader: 'name',
      csv: (m) => m.name,
    },
    { header: 'upstream_name', csv: (m) => m.upstream_name },
    { header: 'Provider', cell: (m) => m.provider_name, csvHeader: 'provider', csv: (m) => m.provider_name },
    { header: 'Tier', cell: (m) => m.capability_tier, csvHeader: 'capability_tier', csv: (m) => m.capability_tier },
    { header: 'Mode', cell: (m) => m.mode, csvHeader: 'mode', csv: (m) => m.mode },
    {
      header: 'Input / 1M tokens',
      cell: (m) => (m.price ? usd(m.price.input_usd_per_mtok) : <Text c="orange" size="sm">no price</Text>),
      csvHeader: 'input_usd_per_mtok',
      csv: (m) => m.price?.input_usd_per_mtok,
    },
    { header: 'Output / 1M tokens', cell: (m) => (m.price ? usd(m.price.output_usd_per_mtok) : '—'), csvHeader: 'output_usd_per_mtok', csv: (m) => m.price?.output_usd_per_mtok },
    { header: 'Price since', cell: (m) => (m.price ? dateTime(m.price.effective_from) : '—'), csvHeader: 'price_since', csv: (m) => m.price?.effective_from },
    { header: 'Enabled', cell: (m) => (m.enabled ? 'yes' : 'no'), csvHeader: 'enabled', csv: (m) => m.enabled },
    {
      header: 'Actions',
      cell: (m) => (
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="light" onClick={() => setPricing(m)}>
            Prices
          </Button>
          {admin && (
            <EditDeleteActions
              onEdit={() => setModel(m)}
              deleteTitle={`Delete model ${m.name}?`}
              confirmLabel="Delete model"
              onDelete={() => api(() => client.DELETE('/api/v1/models/{model_id}', { params: { path: { model_id: m.id } } })).then(refresh('models'))}
            >
              Its price history goes too. Ledger rows keep their own copy of what each request cost. Policies naming it stop routing to it.
            </EditDeleteActions>
          )}
        </Group>
      ),
    },
  ];

  return (
    <Stack gap="xl">
      <TableSection
        title="Providers"
        actions={admin && <Button onClick={() => setProvider('new')}>Register provider</Button>}
        before={!admin && <Text size="sm" c="dimmed">Providers and models are shared by the whole installation; platform admins change them.</Text>}
        query={providers}
        rows={(d) => d.items}
        rowKey={(p) => p.id}
        columns={providerColumns}
        csv="providers.csv"
        minWidth={900}
        empty="No providers registered."
      />
      <TableSection
        title="Models and prices"
        actions={admin && <Button onClick={() => setModel('new')} disabled={!providers.data?.items.length}>Register model</Button>}
        query={models}
        rows={(d) => d.items}
        rowKey={(m) => m.id}
        columns={modelColumns}
        csv="models.csv"
        minWidth={900}
        empty="No models registered."
      />
      {provider && <ProviderDialog provider={provider === 'new' ? null : provider} onClose={() => setProvider(null)} />}
      {model && <ModelDialog model={model === 'new' ? null : model} providers={providers.data?.items ?? []} onClose={() => setModel(null)} />}
      {pricing && <PriceDialog model={pricing} editable={admin} onClose={() => setPricing(null)} />}
    </Stack>
  );
}
