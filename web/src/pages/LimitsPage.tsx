import { Badge, Button, Checkbox, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { useBudgets } from '../api/queries';
import type { DataColumn } from '../components/DataTable';
import { FormModal } from '../components/FormModal';
import { usd } from '../components/format';
import { EditDeleteActions } from '../components/RowActions';
import { TableSection } from '../components/Section';
import { useOrg } from '../components/Shell';
import { TargetSelect, parseTarget, targetValue, useTargetNames } from '../components/TargetSelect';
import { checkAmount, checkLimit, parseThresholds } from '../components/validation';
import { useFormMutation } from '../components/useFormMutation';

type Budget = Schemas['Budget'];
type RateLimit = Schemas['RateLimit'];

export function LimitsPage() {
  const { orgId, can } = useOrg();
  const queryClient = useQueryClient();
  const names = useTargetNames(orgId);
  const budgets = useBudgets(orgId);
  const limits = useQuery({
    queryKey: ['rate-limits', orgId],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/rate-limits', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
  const [budget, setBudget] = useState<Budget | 'new' | null>(null);
  const [limit, setLimit] = useState<RateLimit | 'new' | null>(null);
  // Team admins may manage their team's (and its keys') budgets; the API decides per target.
  const mayEdit = (t: { team_id?: string | null; key_id?: string | null }) => can.editOrg || (!!t.team_id && can.manageTeam(t.team_id));

  const deleteBudget = (b: Budget) =>
    api(() => client.DELETE('/api/v1/orgs/{org_id}/budgets/{budget_id}', { params: { path: { org_id: orgId, budget_id: b.id } } })).then(() => queryClient.invalidateQueries({ queryKey: ['budgets', orgId] }));
  const deleteLimit = (l: RateLimit) =>
    api(() => client.DELETE('/api/v1/orgs/{org_id}/rate-limits/{rate_limit_id}', { params: { path: { org_id: orgId, rate_limit_id: l.id } } })).then(() => queryClient.invalidateQueries({ queryKey: ['rate-limits', orgId] }));
  const budgetColumns: DataColumn<Budget>[] = [
    { header: 'Applies to', cell: (b) => names.label(b), csvHeader: 'applies_to', csv: (b) => names.label(b) },
    { header: 'Amount', cell: (b) => usd(b.amount_usd), csvHeader: 'amount_usd', csv: (b) => b.amount_usd },
    {
      header: 'Period',
      cell: (b) => (
        <>
          {b.period} <Text span size="xs" c="dimmed">({b.current_period.label})</Text>
        </>
      ),
      csvHeader: 'period',
      csv: (b) => b.period,
    },
    { header: 'Kind', cell: (b) => (b.hard ? <Badge color="red">hard</Badge> : <Badge color="gray">soft</Badge>), csvHeader: 'hard', csv: (b) => b.hard },
    { header: 'Alerts at', cell: (b) => (b.alert_thresholds.length ? b.alert_thresholds.map((t) => `${t} %`).join(', ') : '—'), csvHeader: 'alert_thresholds', csv: (b) => b.alert_thresholds.join(' ') },
    { header: 'When exhausted', cell: (b) => (b.on_exhaustion === 'downgrade' ? 'move to a cheaper tier' : 'refuse requests'), csvHeader: 'on_exhaustion', csv: (b) => b.on_exhaustion },
    {
      header: 'Actions',
      cell: (b) =>
        mayEdit(b) && (
          <EditDeleteActions onEdit={() => setBudget(b)} deleteTitle="Delete this budget?" confirmLabel="Delete budget" onDelete={() => deleteBudget(b)}>
            Spend stops being capped by it. Recorded spend stays in the ledger.
          </EditDeleteActions>
        ),
    },
  ];
  const limitColumns: DataColumn<RateLimit>[] = [
    { header: 'Applies to', cell: (l) => names.label(l), csvHeader: 'applies_to', csv: (l) => names.label(l) },
    { header: 'Requests / min', cell: (l) => l.rpm ?? '—', csvHeader: 'rpm', csv: (l) => l.rpm },
    { header: 'Tokens / min', cell: (l) => l.tpm ?? '—', csvHeader: 'tpm', csv: (l) => l.tpm },
    { header: 'In flight', cell: (l) => l.max_parallel ?? '—', csvHeader: 'max_parallel', csv: (l) => l.max_parallel },
    {
      header: 'Actions',
      cell: (l) =>
        mayEdit(l) && (
          <EditDeleteActions onEdit={() => setLimit(l)} deleteTitle="Remove these rate limits?" confirmLabel="Remove" onDelete={() => deleteLimit(l)}>
            The target is no longer rate limited.
          </EditDeleteActions>
        ),
    },
  ];

  return (
    <Stack gap="xl">
      <TableSection
        title="Budgets"
        actions={can.editOrg && <Button onClick={() => setBudget('new')}>Add budget</Button>}
        query={budgets}
        rows={(d) => d.items}
        rowKey={(b) => b.id}
        columns={budgetColumns}
        csv="budgets.csv"
        minWidth={760}
        empty="No budgets: spend is not capped."
      />
      <TableSection
        title="Rate limits"
        actions={can.editOrg && <Button onClick={() => setLimit('new')}>Add rate limits</Button>}
        query={limits}
        rows={(d) => d.items}
        rowKey={(l) => l.id}
        columns={limitColumns}
        csv="rate-limits.csv"
        empty="No rate limits."
      />
      {budget && <BudgetForm orgId={orgId} budget={budget === 'new' ? null : budget} onClose={() => setBudget(null)} />}
      {limit && <RateLimitForm orgId={orgId} limit={limit === 'new' ? null : limit} onClose={() => setLimit(null)} />}
    </Stack>
  );
}

function BudgetForm({ orgId, budget, onClose }: { orgId: string; budget: Budget | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState(budget ? targetValue(budget) : 'org');
  const [amount, setAmount] = useState(budget?.amount_usd ?? '');
  const [period, setPeriod] = useState<string>(budget?.period ?? 'monthly');
  const [hard, setHard] = useState(budget?.hard ?? true);
  const [thresholds, setThresholds] = useState(budget ? budget.alert_thresholds.join(', ') : '50, 80, 100');
  const [exhaustion, setExhaustion] = useState<string>(budget?.on_exhaustion ?? 'block');
  const { mutation: mutation, errors, submit } = useFormMutation({
    mutationFn: () => {
      const alert_thresholds = parseThresholds(thresholds).value;
      const on_exhaustion = exhaustion as Schemas['Exhaustion'];
      return budget
        ? api(() =>
            client.PATCH('/api/v1/orgs/{org_id}/budgets/{budget_id}', {
              params: { path: { org_id: orgId, budget_id: budget.id } },
              body: { amount_usd: amount.trim(), hard, alert_thresholds, on_exhaustion },
            }),
          )
        : api(() =>
            client.POST('/api/v1/orgs/{org_id}/budgets', {
              params: { path: { org_id: orgId } },
              body: { ...parseTarget(target), amount_usd: amount.trim(), period: period as Schemas['BudgetPeriod'], hard, alert_thresholds, on_exhaustion },
            }),
          );
    },
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['budgets', orgId] });
      onClose();
    },
    validate: () => {
      const problems: Record<string, string> = {};
      const a = checkAmount(amount);
      if (a) problems.amount_usd = a;
      const t = parseThresholds(thresholds);
      if (t.error) problems.alert_thresholds = t.error;
      return problems;
    },
  });

  return (
    <FormModal title={budget ? 'Edit budget' : 'Add a budget'} onClose={onClose} onSubmit={submit} submitLabel="Save budget" pending={mutation.isPending} error={mutation.error} fieldErrors={errors}>
      {budget ? (
        <Text size="sm">Target and period cannot change: delete the budget and add another.</Text>
      ) : (
        <>
          <TargetSelect orgId={orgId} value={target} onChange={setTarget} error={errors.team_id ?? errors.key_id} />
          <Select
            label="Period"
            allowDeselect={false}
            value={period}
            onChange={(v) => setPeriod(v ?? 'monthly')}
            error={errors.period}
            data={[
              { value: 'daily', label: 'Daily' },
              { value: 'weekly', label: 'Weekly' },
              { value: 'monthly', label: 'Monthly' },
              { value: 'total', label: 'Total (never resets)' },
            ]}
          />
        </>
      )}
      <TextInput label="Amount (USD)" required inputMode="decimal" value={amount} error={errors.amount_usd} onChange={(e) => setAmount(e.currentTarget.value)} data-autofocus />
      <Checkbox label="Hard budget: refuse requests that could exceed it (soft budgets only alert)" checked={hard} onChange={(e) => setHard(e.currentTarget.checked)} />
      <TextInput label="Alert thresholds (%)" description="Comma-separated percentages, e.g. 50, 80, 100." value={thresholds} error={errors.alert_thresholds} onChange={(e) => setThresholds(e.currentTarget.value)} />
      <Select
        label="When exhausted"
        allowDeselect={false}
        value={exhaustion}
        onChange={(v) => setExhaustion(v ?? 'block')}
        error={errors.on_exhaustion}
        data={[
          { value: 'block', label: 'Refuse requests' },
          { value: 'downgrade', label: 'Move to a cheaper tier' },
        ]}
      />
    </FormModal>
  );
}

function RateLimitForm({ orgId, limit, onClose }: { orgId: string; limit: RateLimit | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState(limit ? targetValue(limit) : 'org');
  const [values, setValues] = useState({ rpm: String(limit?.rpm ?? ''), tpm: String(limit?.tpm ?? ''), max_parallel: String(limit?.max_parallel ?? '') });
  const { mutation: mutation, errors, submit } = useFormMutation({
    mutationFn: () => {
      const body = { rpm: checkLimit(values.rpm).value, tpm: checkLimit(values.tpm).value, max_parallel: checkLimit(values.max_parallel).value };
      return limit
        ? api(() => client.PATCH('/api/v1/orgs/{org_id}/rate-limits/{rate_limit_id}', { params: { path: { org_id: orgId, rate_limit_id: limit.id } }, body }))
        : api(() => client.POST('/api/v1/orgs/{org_id}/rate-limits', { params: { path: { org_id: orgId } }, body: { ...parseTarget(target), ...body } }));
    },
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['rate-limits', orgId] });
      onClose();
    },
    validate: () => {
      const problems: Record<string, string> = {};
      for (const k of ['rpm', 'tpm', 'max_parallel'] as const) {
        const c = checkLimit(values[k]);
        if (c.error) problems[k] = c.error;
      }
      if (!problems.rpm && !values.rpm.trim() && !values.tpm.trim() && !values.max_parallel.trim()) problems.rpm = 'Set at least one limit.';
      return problems;
    },
  });

  return (
    <FormModal title={limit ? 'Edit rate limits' : 'Add rate limits'} onClose={onClose} onSubmit={submit} submitLabel="Save limits" pending={mutation.isPending} error={mutation.error} fieldErrors={errors}>
      {!limit && <TargetSelect orgId={orgId} value={target} onChange={setTarget} error={errors.team_id ?? errors.key_id} />}
      <TextInput label="Requests per minute" inputMode="numeric" value={values.rpm} error={errors.rpm} onChange={(e) => setValues({ ...values, rpm: e.currentTarget.value })} data-autofocus />
      <TextInput label="Tokens per minute" inputMode="numeric" value={values.tpm} error={errors.tpm} onChange={(e) => setValues({ ...values, tpm: e.currentTarget.value })} />
      <TextInput label="Requests in flight" inputMode="numeric" value={values.max_parallel} error={errors.max_parallel} onChange={(e) => setValues({ ...values, max_parallel: e.currentTarget.value })} />
      <Text size="xs" c="dimmed">
        Empty fields are not limited.
      </Text>
    </FormModal>
  );
}
