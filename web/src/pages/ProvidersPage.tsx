import { Badge, Button, Checkbox, Group, Modal, NumberInput, PasswordInput, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { fieldErrors } from '../api/errors';
import { useModels } from '../api/queries';
import { dateTime, usd } from '../components/format';
import { useOrg } from '../components/Shell';
import { ErrorNotice, QueryView } from '../components/states';

type Provider = Schemas['Provider'];
type Model = Schemas['Model'];

const TIER_COLOR: Record<string, string> = { local: 'green', private: 'blue', external: 'orange' };

export function ProvidersPage() {
  const { can } = useOrg();
  const providers = useQuery({ queryKey: ['providers'], queryFn: () => api(() => client.GET('/api/v1/providers', { params: { query: { limit: 200 } } })) });
  const models = useModels();
  const [editing, setEditing] = useState<Provider | null>(null);
  const [pricing, setPricing] = useState<Model | null>(null);
  const admin = can.platformAdmin;
  return (
    <Stack>
      <Title order={2}>Providers</Title>
      {!admin && <Text size="sm" c="dimmed">Providers and models are shared by the whole installation; platform admins change them.</Text>}
      <QueryView query={providers} isEmpty={(d) => d.items.length === 0} empty="No providers registered.">
        {(data) => (
          <Table.ScrollContainer minWidth={900}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Trust tier</Table.Th>
                  <Table.Th>Region</Table.Th>
                  <Table.Th>Data terms</Table.Th>
                  <Table.Th>Credentials</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      {p.name}
                      <Text size="xs" c="dimmed">
                        {p.base_url}
                      </Text>
                    </Table.Td>
                    <Table.Td>{p.kind}</Table.Td>
                    <Table.Td>
                      <Badge color={TIER_COLOR[p.trust_tier]}>{p.trust_tier}</Badge>
                    </Table.Td>
                    <Table.Td>{p.region ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="xs">retention: {p.data_terms.retention_days === null || p.data_terms.retention_days === undefined ? 'unknown' : `${p.data_terms.retention_days} days`}</Text>
                      <Text size="xs">trains on data: {p.data_terms.trains_on_data ? 'yes' : 'no'}</Text>
                      <Text size="xs">zero data retention: {p.data_terms.zero_data_retention ? 'yes' : 'no'}</Text>
                    </Table.Td>
                    <Table.Td>{p.has_credentials ? 'stored (write-only)' : 'none'}</Table.Td>
                    <Table.Td>{p.enabled ? 'yes' : 'no'}</Table.Td>
                    <Table.Td>
                      {admin && (
                        <Button size="xs" variant="light" onClick={() => setEditing(p)}>
                          Edit
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>

      <Title order={2} mt="lg">
        Models and prices
      </Title>
      <QueryView query={models} isEmpty={(d) => d.items.length === 0} empty="No models registered.">
        {(data) => (
          <Table.ScrollContainer minWidth={900}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Provider</Table.Th>
                  <Table.Th>Tier</Table.Th>
                  <Table.Th>Mode</Table.Th>
                  <Table.Th>Input / 1M tokens</Table.Th>
                  <Table.Th>Output / 1M tokens</Table.Th>
                  <Table.Th>Price since</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      {m.name}
                      {m.upstream_name !== m.name && (
                        <Text size="xs" c="dimmed">
                          upstream: {m.upstream_name}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{m.provider_name}</Table.Td>
                    <Table.Td>{m.capability_tier}</Table.Td>
                    <Table.Td>{m.mode}</Table.Td>
                    <Table.Td>{m.price ? usd(m.price.input_usd_per_mtok) : <Text c="orange" size="sm">no price</Text>}</Table.Td>
                    <Table.Td>{m.price ? usd(m.price.output_usd_per_mtok) : '—'}</Table.Td>
                    <Table.Td>{m.price ? dateTime(m.price.effective_from) : '—'}</Table.Td>
                    <Table.Td>{m.enabled ? 'yes' : 'no'}</Table.Td>
                    <Table.Td>
                      {admin && (
                        <Button size="xs" variant="light" onClick={() => setPricing(m)}>
                          New price
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
      {editing && <ProviderDialog provider={editing} onClose={() => setEditing(null)} />}
      {pricing && <PriceDialog model={pricing} onClose={() => setPricing(null)} />}
    </Stack>
  );
}

function ProviderDialog({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [tier, setTier] = useState<string>(provider.trust_tier);
  const [region, setRegion] = useState(provider.region ?? '');
  const [retention, setRetention] = useState<number | string>(provider.data_terms.retention_days ?? '');
  const [trains, setTrains] = useState(provider.data_terms.trains_on_data);
  const [zdr, setZdr] = useState(provider.data_terms.zero_data_retention);
  const [enabled, setEnabled] = useState(provider.enabled);
  const [credentials, setCredentials] = useState('');
  const [removeCredentials, setRemoveCredentials] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      api(() =>
        client.PATCH('/api/v1/providers/{provider_id}', {
          params: { path: { provider_id: provider.id } },
          body: {
            trust_tier: tier as Schemas['TrustTier'],
            region: region.trim() || null,
            enabled,
            data_terms: { retention_days: retention === '' ? null : Number(retention), trains_on_data: trains, zero_data_retention: zdr },
            // Write-only: absent keeps the stored key, null removes it.
            ...(removeCredentials ? { credentials: null } : credentials ? { credentials } : {}),
          },
        }),
      ),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['providers'] });
      onClose();
    },
    onError: (e) => setErrors(fieldErrors(e)),
  });
  return (
    <Modal opened onClose={onClose} title={`Provider ${provider.name}`} size="lg">
      <Stack>
        {save.isError && !Object.keys(errors).length && <ErrorNotice error={save.error} />}
        <Select
          label="Trust tier"
          description="Decides which data classes the routing policy may send here."
          allowDeselect={false}
          value={tier}
          onChange={(v) => setTier(v ?? tier)}
          error={errors.trust_tier ?? errors.base_url}
          data={[
            { value: 'local', label: 'local — runs on your own machines' },
            { value: 'private', label: 'private — your cloud tenancy / contractual' },
            { value: 'external', label: 'external — a third-party API' },
          ]}
        />
        <TextInput label="Region" value={region} onChange={(e) => setRegion(e.currentTarget.value)} error={errors.region} />
        <NumberInput label="Retention (days)" description="Empty: unknown." min={0} value={retention} onChange={setRetention} error={errors['data_terms.retention_days']} />
        <Checkbox label="Trains on submitted data" checked={trains} onChange={(e) => setTrains(e.currentTarget.checked)} />
        <Checkbox label="Zero-data-retention agreement" checked={zdr} onChange={(e) => setZdr(e.currentTarget.checked)} />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <PasswordInput
          label="API key"
          description={provider.has_credentials ? 'A key is stored. It is never shown; type a new one to replace it.' : 'No key stored.'}
          autoComplete="off"
          value={credentials}
          disabled={removeCredentials}
          onChange={(e) => setCredentials(e.currentTarget.value)}
          error={errors.credentials}
        />
        {provider.has_credentials && <Checkbox label="Remove the stored key" checked={removeCredentials} onChange={(e) => setRemoveCredentials(e.currentTarget.checked)} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            Save provider
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function PriceDialog({ model, onClose }: { model: Model; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [input, setInput] = useState(model.price?.input_usd_per_mtok ?? '');
  const [output, setOutput] = useState(model.price?.output_usd_per_mtok ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () => api(() => client.POST('/api/v1/models/{model_id}/prices', { params: { path: { model_id: model.id } }, body: { input_usd_per_mtok: input.trim(), output_usd_per_mtok: output.trim() } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['models'] });
      onClose();
    },
    onError: (e) => setErrors(fieldErrors(e)),
  });
  const submit = () => {
    const bad = (v: string) => (/^\d+(\.\d+)?$/.test(v.trim()) ? undefined : 'US dollars per million tokens, e.g. 2.50');
    const problems = Object.fromEntries(Object.entries({ input_usd_per_mtok: bad(input), output_usd_per_mtok: bad(output) }).filter(([, v]) => v)) as Record<string, string>;
    setErrors(problems);
    if (!Object.keys(problems).length) save.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={`New price for ${model.name}`}>
      <Stack>
        <Text size="sm">A new price version takes effect now. Versions cannot be changed; the ledger keeps what each request cost.</Text>
        {save.isError && !Object.keys(errors).length && <ErrorNotice error={save.error} />}
        <TextInput label="Input (USD per 1M tokens)" value={input} onChange={(e) => setInput(e.currentTarget.value)} error={errors.input_usd_per_mtok} />
        <TextInput label="Output (USD per 1M tokens)" value={output} onChange={(e) => setOutput(e.currentTarget.value)} error={errors.output_usd_per_mtok} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={save.isPending}>
            Add price
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
