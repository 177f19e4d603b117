// A model's price versions, newest first, and a form for the next one. Versions are append-only:
// the ledger keeps what each request cost at the price in force then.

import { SimpleGrid, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { DataTable, type DataColumn } from '../components/DataTable';
import { dateTime, usd } from '../components/format';
import { FormModal } from '../components/FormModal';
import { QueryView } from '../components/states';
import { checkPrice } from '../components/validation';
import { useFormMutation } from '../components/useFormMutation';

type Price = Schemas['Price'];

const COLUMNS: DataColumn<Price>[] = [
  { header: 'In force from', cell: (p) => dateTime(p.effective_from) },
  { header: 'Input', cell: (p) => usd(p.input_usd_per_mtok) },
  { header: 'Output', cell: (p) => usd(p.output_usd_per_mtok) },
  { header: 'Cached input', cell: (p) => usd(p.cached_input_usd_per_mtok) },
  { header: 'Cache write', cell: (p) => usd(p.cache_write_usd_per_mtok) },
];

export function validatePrice(v: { input: string; output: string; cached: string; cacheWrite: string; from: string }, now = new Date()): Record<string, string> {
  const e: Record<string, string> = {};
  const pairs: [string, string | null][] = [
    ['input_usd_per_mtok', checkPrice(v.input)],
    ['output_usd_per_mtok', checkPrice(v.output)],
    ['cached_input_usd_per_mtok', checkPrice(v.cached, true)],
    ['cache_write_usd_per_mtok', checkPrice(v.cacheWrite, true)],
  ];
  for (const [k, m] of pairs) if (m) e[k] = m;
  if (v.from) {
    const t = new Date(v.from);
    if (Number.isNaN(t.getTime())) e.effective_from = 'Not a valid date and time.';
    else if (t.getTime() < now.getTime() - 5 * 60_000) e.effective_from = 'A price cannot start in the past: leave empty for now.';
  }
  return e;
}

export function PriceDialog({ model, editable, onClose }: { model: Schemas['Model']; editable: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const versions = useQuery({ queryKey: ['prices', model.id], queryFn: () => api(() => client.GET('/api/v1/models/{model_id}/prices', { params: { path: { model_id: model.id } } })) });
  const [v, setV] = useState({
    input: model.price?.input_usd_per_mtok ?? '',
    output: model.price?.output_usd_per_mtok ?? '',
    cached: model.price?.cached_input_usd_per_mtok ?? '',
    cacheWrite: model.price?.cache_write_usd_per_mtok ?? '',
    from: '',
  });
  const { mutation: save, errors, submit } = useFormMutation({
    mutationFn: () =>
      api(() =>
        client.POST('/api/v1/models/{model_id}/prices', {
          params: { path: { model_id: model.id } },
          body: {
            input_usd_per_mtok: v.input.trim(),
            output_usd_per_mtok: v.output.trim(),
            cached_input_usd_per_mtok: v.cached.trim() || null,
            cache_write_usd_per_mtok: v.cacheWrite.trim() || null,
            effective_from: v.from ? new Date(v.from).toISOString() : null,
          },
        }),
      ),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['models'] });
      queryClient.invalidateQueries({ queryKey: ['prices', model.id] });
      onClose();
    },
    validate: () => validatePrice(v),
  });

  return (
    <FormModal title={`Prices of ${model.name}`} onClose={onClose} onSubmit={editable ? submit : onClose} submitLabel={editable ? 'Add price version' : 'Close'} pending={save.isPending} error={save.error} fieldErrors={errors} size="xl">
      <QueryView query={versions} isEmpty={(d) => d.items.length === 0} empty="No price yet: the gateway refuses this model (or reserves the configured ceiling).">
        {(d) => <DataTable rows={d.items} columns={COLUMNS} rowKey={(p) => p.id} label="Price versions" minWidth={560} />}
      </QueryView>
      {editable && (
        <>
          <Text size="sm">A new version takes effect at the time given (now when empty). Versions cannot be changed afterwards.</Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Input (USD per 1M tokens)" required value={v.input} onChange={(e) => setV({ ...v, input: e.currentTarget.value })} error={errors.input_usd_per_mtok} />
            <TextInput label="Output (USD per 1M tokens)" required value={v.output} onChange={(e) => setV({ ...v, output: e.currentTarget.value })} error={errors.output_usd_per_mtok} />
            <TextInput label="Cached input (USD per 1M)" description="Empty: not offered." value={v.cached} onChange={(e) => setV({ ...v, cached: e.currentTarget.value })} error={errors.cached_input_usd_per_mtok} />
            <TextInput label="Cache write (USD per 1M)" description="Empty: not charged extra." value={v.cacheWrite} onChange={(e) => setV({ ...v, cacheWrite: e.currentTarget.value })} error={errors.cache_write_usd_per_mtok} />
            <TextInput label="In force from" type="datetime-local" value={v.from} onChange={(e) => setV({ ...v, from: e.currentTarget.value })} error={errors.effective_from} />
          </SimpleGrid>
        </>
      )}
    </FormModal>
  );
}
