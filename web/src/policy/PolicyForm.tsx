// Everything in a policy document besides the matrix: trust tiers, default model, explicit
// model rule, complexity threshold, redaction, degradation and confidential terms.

import { Checkbox, Group, MultiSelect, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, TagsInput, Text, Title } from '@mantine/core';
import type { Schemas } from '../api/client';
import { DATA_CLASSES, DEFAULT_TRUST, ENTITY_TYPES, TASK_TIERS, TRUST_TIERS, type DataClass, type PolicyDocument, type Trust } from './model';

export function PolicyForm({ doc, onChange, models, readOnly }: { doc: PolicyDocument; onChange: (d: PolicyDocument) => void; models: string[]; readOnly: boolean }) {
  const trust = (doc.trust ?? {}) as Trust;
  const set = (patch: Partial<PolicyDocument>) => onChange({ ...doc, ...patch });
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={4}>Trust tiers</Title>
          <Text size="xs" c="dimmed">
            Which data classes a provider of each tier may receive. Unchecked “custom”: the defaults.
          </Text>
          {TRUST_TIERS.map((tier) => {
            const custom = trust[tier] !== undefined;
            return (
              <Group key={tier} align="flex-end" wrap="nowrap">
                <Checkbox
                  label={`${tier}: custom`}
                  checked={custom}
                  disabled={readOnly}
                  onChange={(e) => {
                    const next = { ...trust };
                    if (e.currentTarget.checked) next[tier] = DEFAULT_TRUST[tier];
                    else delete next[tier];
                    set({ trust: Object.keys(next).length ? next : null });
                  }}
                  w={140}
                />
                <MultiSelect
                  aria-label={`Data classes a ${tier} provider may receive`}
                  style={{ flex: 1 }}
                  size="xs"
                  data={[...DATA_CLASSES]}
                  value={trust[tier] ?? DEFAULT_TRUST[tier]}
                  disabled={!custom || readOnly}
                  onChange={(v) => set({ trust: { ...trust, [tier]: v as DataClass[] } })}
                />
              </Group>
            );
          })}
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={4}>Routing</Title>
          <Select
            label="Default model"
            description="What requests would have used without Sluice; savings are measured against it."
            clearable
            searchable
            disabled={readOnly}
            data={models}
            value={doc.default_model ?? null}
            onChange={(v) => set({ default_model: v })}
          />
          <Select
            label="A client names a model its data may not go to"
            disabled={readOnly}
            clearable
            data={[
              { value: 'reroute', label: 'Reroute to an allowed model' },
              { value: 'refuse', label: 'Refuse the request' },
            ]}
            value={doc.explicit_model ?? null}
            onChange={(v) => set({ explicit_model: (v as PolicyDocument['explicit_model']) ?? null })}
          />
          <NumberInput
            label="Complexity threshold"
            description="Score (0–1) from which a request counts as complex; empty: the router's default."
            min={0}
            max={1}
            step={0.05}
            decimalScale={3}
            disabled={readOnly}
            value={doc.complexity_threshold ?? ''}
            onChange={(v) => set({ complexity_threshold: v === '' ? null : Number(v) })}
          />
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={4}>Redaction</Title>
          <Switch
            label="Mask detected entities before sending to external providers"
            disabled={readOnly}
            checked={!!doc.redaction?.enabled}
            onChange={(e) => set({ redaction: e.currentTarget.checked ? { enabled: true, entities: doc.redaction?.entities ?? [] } : doc.redaction ? { ...doc.redaction, enabled: false } : null })}
          />
          <MultiSelect
            label="Entity types to mask"
            description="None selected: every detected entity."
            disabled={readOnly || !doc.redaction?.enabled}
            data={ENTITY_TYPES}
            value={doc.redaction?.entities ?? []}
            onChange={(v) => set({ redaction: { enabled: !!doc.redaction?.enabled, entities: v } })}
          />
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={4}>Degradation</Title>
          <Switch
            label="Move to a cheaper tier when a budget runs low"
            disabled={readOnly}
            checked={!!doc.degradation}
            onChange={(e) => set({ degradation: e.currentTarget.checked ? { threshold_percent: 80, to_tier: 'simple' } : null })}
          />
          {doc.degradation && (
            <Group grow>
              <NumberInput
                label="After this much of a budget (%)"
                min={1}
                max={100}
                disabled={readOnly}
                value={doc.degradation.threshold_percent}
                onChange={(v) => set({ degradation: { ...doc.degradation!, threshold_percent: Number(v) || 0 } })}
              />
              <Select
                label="Route to tier"
                allowDeselect={false}
                disabled={readOnly}
                data={[...TASK_TIERS]}
                value={doc.degradation.to_tier}
                onChange={(v) => set({ degradation: { ...doc.degradation!, to_tier: (v ?? 'simple') as Schemas['TaskTier'] } })}
              />
            </Group>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md" style={{ gridColumn: '1 / -1' }}>
        <Stack gap="xs">
          <Title order={4}>Confidential terms</Title>
          <Text size="xs" c="dimmed">
            Requests mentioning these are classed confidential.
          </Text>
          <TagsInput
            label="Keywords"
            description="Project code names, customer names… (case-insensitive). Enter adds one."
            disabled={readOnly}
            value={doc.confidential?.keywords ?? []}
            onChange={(v) => set({ confidential: { ...(doc.confidential ?? {}), keywords: v } })}
          />
          <TagsInput
            label="Patterns"
            description="Regular expressions (Rust syntax, no look-around)."
            disabled={readOnly}
            value={doc.confidential?.patterns ?? []}
            onChange={(v) => set({ confidential: { ...(doc.confidential ?? {}), patterns: v } })}
          />
        </Stack>
      </Paper>
    </SimpleGrid>
  );
}
