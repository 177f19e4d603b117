import { Badge, Button, Checkbox, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, client, type Schemas } from '../api/client';
import { fieldErrors } from '../api/errors';
import { ConfirmButton } from '../components/Confirm';
import { usd } from '../components/format';
import { useOrg } from '../components/Shell';
import { ErrorNotice, QueryView } from '../components/states';
import { TargetSelect, parseTarget, targetValue, useTargetNames } from '../components/TargetSelect';
import { checkAmount, checkLimit, parseThresholds } from '../components/validation';

type Budget = Schemas['Budget'];
type RateLimit = Schemas['RateLimit'];

export function LimitsPage() {
  const { orgId, can } = useOrg();
  const queryClient = useQueryClient();
  const names = useTargetNames(orgId);
  const budgets = useQuery({
    queryKey: ['budgets', orgId],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/budgets', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
  const limits = useQuery({
    queryKey: ['rate-limits', orgId],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/rate-limits', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
  const [budget, setBudget] = useState<Budget | 'new' | null>(null);
  const [limit, setLimit] = useState<RateLimit | 'new' | null>(null);
  // Team admins may manage their team's (and its keys') budgets; the API decides per target.
  const mayEdit = (t: { team_id?: string | null; key_id?: string | null }) => can.editOrg || (!!t.team_id && can.manageTeam(t.team_id));

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Budgets</Title>
        {can.editOrg && <Button onClick={() => setBudget('new')}>Add budget</Button>}
      </Group>
      <QueryView query={budgets} isEmpty={(d) => d.items.length === 0} empty="No budgets: spend is not capped.">
        {(data) => (
          <Table.ScrollContainer minWidth={760}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Applies to</Table.Th>
                  <Table.Th>Amount</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Alerts at</Table.Th>
                  <Table.Th>When exhausted</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>{names.label(b)}</Table.Td>
                    <Table.Td>{usd(b.amount_usd)}</Table.Td>
                    <Table.Td>
                      {b.period} <Text span size="xs" c="dimmed">({b.current_period.label})</Text>
                    </Table.Td>
                    <Table.Td>{b.hard ? <Badge color="red">hard</Badge> : <Badge color="gray">soft</Badge>}</Table.Td>
                    <Table.Td>{b.alert_thresholds.length ? b.alert_thresholds.map((t) => `${t} %`).join(', ') : '—'}</Table.Td>
                    <Table.Td>{b.on_exhaustion === 'downgrade' ? 'move to a cheaper tier' : 'refuse requests'}</Table.Td>
                    <Table.Td>
                      {mayEdit(b) && (
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" variant="light" onClick={() => setBudget(b)}>
                            Edit
                          </Button>
                          <ConfirmButton
                            label="Delete"
                            title="Delete this budget?"
                            confirmLabel="Delete budget"
                            onConfirm={() => api(() => client.DELETE('/api/v1/orgs/{org_id}/budgets/{budget_id}', { params: { path: { org_id: orgId, budget_id: b.id } } })).then(() => queryClient.invalidateQueries({ queryKey: ['budgets', orgId] }))}
                          >
                            Spend stops being capped by it. Recorded spend stays in the ledger.
                          </ConfirmButton>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>

      <Group justify="space-between" mt="lg">
        <Title order={2}>Rate limits</Title>
        {can.editOrg && <Button onClick={() => setLimit('new')}>Add rate limits</Button>}
      </Group>
      <QueryView query={limits} isEmpty={(d) => d.items.length === 0} empty="No rate limits.">
        {(data) => (
          <Table.ScrollContainer minWidth={600}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Applies to</Table.Th>
                  <Table.Th>Requests / min</Table.Th>
                  <Table.Th>Tokens / min</Table.Th>
                  <Table.Th>In flight</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>{names.label(l)}</Table.Td>
                    <Table.Td>{l.rpm ?? '—'}</Table.Td>
                    <Table.Td>{l.tpm ?? '—'}</Table.Td>
                    <Table.Td>{l.max_parallel ?? '—'}</Table.Td>
                    <Table.Td>
                      {mayEdit(l) && (
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" variant="light" onClick={() => setLimit(l)}>
                            Edit
                          </Button>
                          <ConfirmButton
                            label="Delete"
                            title="Remove these rate limits?"
                            confirmLabel="Remove"
                            onConfirm={() => api(() => client.DELETE('/api/v1/orgs/{org_id}/rate-limits/{rate_limit_id}', { params: { path: { org_id: orgId, rate_limit_id: l.id } } })).then(() => queryClient.invalidateQueries({ queryKey: ['rate-limits', orgId] }))}
                          >
                            The target is no longer rate limited.
                          </ConfirmButton>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
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
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
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
    onError: (e) => setErrors(fieldErrors(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    const a = checkAmount(amount);
    if (a) problems.amount_usd = a;
    const t = parseThresholds(thresholds);
    if (t.error) problems.alert_thresholds = t.error;
    setErrors(problems);
    if (!Object.keys(problems).length) mutation.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={budget ? 'Edit budget' : 'Add a budget'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.isError && !Object.keys(errors).length && <ErrorNotice error={mutation.error} />}
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
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Save budget
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RateLimitForm({ orgId, limit, onClose }: { orgId: string; limit: RateLimit | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState(limit ? targetValue(limit) : 'org');
  const [values, setValues] = useState({ rpm: String(limit?.rpm ?? ''), tpm: String(limit?.tpm ?? ''), max_parallel: String(limit?.max_parallel ?? '') });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({
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
    onError: (e) => setErrors(fieldErrors(e)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    for (const k of ['rpm', 'tpm', 'max_parallel'] as const) {
      const c = checkLimit(values[k]);
      if (c.error) problems[k] = c.error;
    }
    if (!problems.rpm && !values.rpm.trim() && !values.tpm.trim() && !values.max_parallel.trim()) problems.rpm = 'Set at least one limit.';
    setErrors(problems);
    if (!Object.keys(problems).length) mutation.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={limit ? 'Edit rate limits' : 'Add rate limits'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.isError && !Object.keys(errors).length && <ErrorNotice error={mutation.error} />}
          {!limit && <TargetSelect orgId={orgId} value={target} onChange={setTarget} error={errors.team_id ?? errors.key_id} />}
          <TextInput label="Requests per minute" inputMode="numeric" value={values.rpm} error={errors.rpm} onChange={(e) => setValues({ ...values, rpm: e.currentTarget.value })} data-autofocus />
          <TextInput label="Tokens per minute" inputMode="numeric" value={values.tpm} error={errors.tpm} onChange={(e) => setValues({ ...values, tpm: e.currentTarget.value })} />
          <TextInput label="Requests in flight" inputMode="numeric" value={values.max_parallel} error={errors.max_parallel} onChange={(e) => setValues({ ...values, max_parallel: e.currentTarget.value })} />
          <Text size="xs" c="dimmed">
            Empty fields are not limited.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Save limits
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
