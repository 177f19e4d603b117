// Importing a provider's usage or cost export (one API page or a CSV file) for reconciliation.
// The document is pasted or loaded from a file and sent as text; re-importing the same document
// adds nothing, which the result says.

import { Alert, Button, FileButton, Group, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { useProviders } from '../api/queries';
import { ErrorNotice } from '../components/states';
import { useFormMutation } from '../components/useFormMutation';

export const INVOICE_FORMATS: { value: Schemas['InvoiceFormat']; label: string }[] = [
  { value: 'csv', label: 'CSV (date,provider,model,token_type,quantity,amount_usd)' },
  { value: 'openai-costs', label: 'OpenAI Costs API page' },
  { value: 'openai-usage', label: 'OpenAI Usage API page (completions)' },
  { value: 'anthropic-cost', label: 'Anthropic cost report' },
  { value: 'anthropic-usage', label: 'Anthropic usage report (messages)' },
];

/** Import documents are sent in a JSON body of at most 1 MiB. */
const MAX_BYTES = 1_000_000;

export function InvoiceImportPanel({ orgId }: { orgId: string }) {
  const queryClient = useQueryClient();
  const providers = useProviders();
  const [provider, setProvider] = useState<string | null>(null);
  const [format, setFormat] = useState<string>('csv');
  const [content, setContent] = useState('');
  const { mutation: run, errors, submit } = useFormMutation({
    mutationFn: () =>
      api(() =>
        client.POST('/api/v1/orgs/{org_id}/billing/invoice-imports', {
          params: { path: { org_id: orgId } },
          body: { provider: provider as string, format: format as Schemas['InvoiceFormat'], content },
        }),
      ),
    onSuccess: () => {
      setContent('');
      queryClient.invalidateQueries({ queryKey: ['reconciliation', orgId] });
    },
    validate: () => {
      const problems: Record<string, string> = {};
      if (!provider) problems.provider = 'Choose the provider the export comes from.';
      if (!content.trim()) problems.content = 'Paste the exported document or load it from a file.';
      else if (new Blob([content]).size > MAX_BYTES) problems.content = 'Larger than 1 MB: import it page by page, or use `sluice billing import`.';
      return problems;
    },
  });

  const load = async (file: File | null) => {
    if (file) setContent(await file.text());
  };
  const done = run.data;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>Import an invoice</Title>
        <Text size="sm" c="dimmed">
          A provider&apos;s usage or cost export (see docs/billing.md for what to export). Importing the same lines twice adds nothing.
        </Text>
        <Group align="flex-end" gap="sm">
          <Select
            label="Invoice from (provider)"
            w={200}
            value={provider}
            onChange={setProvider}
            error={errors.provider}
            data={[...new Set((providers.data?.items ?? []).map((p) => p.name))]}
          />
          <Select label="Format" w={340} allowDeselect={false} value={format} onChange={(v) => setFormat(v ?? 'csv')} error={errors.format} data={INVOICE_FORMATS} />
          <FileButton onChange={load} accept=".csv,.json,text/csv,application/json">
            {(props) => (
              <Button variant="default" {...props}>
                Load a file…
              </Button>
            )}
          </FileButton>
        </Group>
        <Textarea label="Document" autosize minRows={4} maxRows={12} ff="monospace" value={content} error={errors.content} onChange={(e) => setContent(e.currentTarget.value)} />
        {run.isError && !Object.keys(errors).length && <ErrorNotice error={run.error} />}
        {done && (
          <Alert color={done.created ? 'green' : 'blue'} role="status">
            {done.created ? `Imported ${done.lines_total} lines (${done.lines_new} new) from ${done.provider}.` : 'This document had been imported before: nothing was added.'}
          </Alert>
        )}
        <Group>
          <Button onClick={submit} loading={run.isPending}>
            Import
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
