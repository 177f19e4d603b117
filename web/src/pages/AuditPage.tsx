import { Button, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import { downloadCsv } from '../components/csv';
import { dateTime } from '../components/format';
import { useOrg } from '../components/Shell';
import { Empty, ErrorNotice, Loading } from '../components/states';

type Entry = Schemas['AuditEntry'];

export function AuditPage() {
  const { orgId } = useOrg();
  const [action, setAction] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const query = useInfiniteQuery({
    queryKey: ['audit', orgId, action, since, until],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api(() =>
        client.GET('/api/v1/orgs/{org_id}/audit-log', {
          params: {
            path: { org_id: orgId },
            query: {
              limit: 100,
              cursor: pageParam,
              action: action.trim() || undefined,
              since: since ? new Date(since).toISOString() : undefined,
              until: until ? new Date(until).toISOString() : undefined,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows: Entry[] = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Audit log</Title>
        <Button
          variant="default"
          disabled={!rows.length}
          onClick={() =>
            downloadCsv('audit-log.csv', rows, [
              { header: 'occurred_at', value: (e) => e.occurred_at },
              { header: 'actor', value: (e) => e.actor_email ?? e.actor_user_id },
              { header: 'action', value: (e) => e.action },
              { header: 'target_type', value: (e) => e.target_type },
              { header: 'target_id', value: (e) => e.target_id },
              { header: 'details', value: (e) => e.details },
            ])
          }
        >
          Export CSV ({rows.length} loaded)
        </Button>
      </Group>
      <Group align="flex-end">
        <TextInput label="Action" placeholder="e.g. key.create" value={action} onChange={(e) => setAction(e.currentTarget.value)} />
        <TextInput label="Since" type="datetime-local" value={since} onChange={(e) => setSince(e.currentTarget.value)} />
        <TextInput label="Until" type="datetime-local" value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
      </Group>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No audit entries match.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={800}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{dateTime(e.occurred_at)}</Table.Td>
                    <Table.Td>{e.actor_email ?? e.actor_user_id ?? 'system'}</Table.Td>
                    <Table.Td>
                      <Code>{e.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.target_type}</Text>
                      <Text size="xs" c="dimmed">
                        {e.target_id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{JSON.stringify(e.details)}</Code>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {query.hasNextPage && (
            <Button variant="default" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
              Load older entries
            </Button>
          )}
        </>
      )}
    </Stack>
  );
}
