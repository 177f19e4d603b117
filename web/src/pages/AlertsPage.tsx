import { Button, Group, Stack, Table, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, client } from '../api/client';
import { downloadCsv } from '../components/csv';
import { alertLabel, dateTime, usd } from '../components/format';
import { useOrg } from '../components/Shell';
import { QueryView } from '../components/states';
import { useTargetNames } from '../components/TargetSelect';

export function AlertsPage() {
  const { orgId } = useOrg();
  const names = useTargetNames(orgId);
  const alerts = useQuery({ queryKey: ['alerts', orgId], queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/alerts', { params: { path: { org_id: orgId }, query: { limit: 200 } } })) });
  const budgets = useQuery({ queryKey: ['budgets', orgId], queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/budgets', { params: { path: { org_id: orgId }, query: { limit: 200 } } })) });
  const budgetName = (id: string) => {
    const b = budgets.data?.items.find((x) => x.id === id);
    return b ? `${names.label(b)} · ${b.period} ${usd(b.amount_usd)}` : 'deleted budget';
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Budget alerts</Title>
        <Button
          variant="default"
          disabled={!alerts.data?.items.length}
          onClick={() =>
            downloadCsv('alerts.csv', alerts.data?.items ?? [], [
              { header: 'occurred_at', value: (a) => a.occurred_at },
              { header: 'budget', value: (a) => budgetName(a.budget_id) },
              { header: 'period', value: (a) => a.period },
              { header: 'kind', value: (a) => a.kind },
              { header: 'threshold_percent', value: (a) => a.threshold_percent },
              { header: 'spent_usd', value: (a) => a.spent_usd },
              { header: 'amount_usd', value: (a) => a.amount_usd },
            ])
          }
        >
          Export CSV
        </Button>
      </Group>
      <QueryView query={alerts} isEmpty={(d) => d.items.length === 0} empty="No budget has raised an alert.">
        {(data) => (
          <Table.ScrollContainer minWidth={700}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Budget</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Alert</Table.Th>
                  <Table.Th>Spent</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{dateTime(a.occurred_at)}</Table.Td>
                    <Table.Td>{budgetName(a.budget_id)}</Table.Td>
                    <Table.Td>{a.period}</Table.Td>
                    <Table.Td>{alertLabel(a)}</Table.Td>
                    <Table.Td>
                      {usd(a.spent_usd)} of {usd(a.amount_usd)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
    </Stack>
  );
}
