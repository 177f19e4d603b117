import { Button, Code, Group, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, client, type Schemas } from '../api/client';
import type { DataColumn } from '../components/DataTable';
import { dateTime } from '../components/format';
import { TableSection } from '../components/Section';
import { useOrg } from '../components/Shell';

type Entry = Schemas['AuditEntry'];

const COLUMNS: DataColumn<Entry>[] = [
  { header: 'When', cell: (e) => dateTime(e.occurred_at), csvHeader: 'occurred_at', csv: (e) => e.occurred_at },
  { header: 'Who', cell: (e) => e.actor_email ?? e.actor_user_id ?? 'system', csvHeader: 'actor', csv: (e) => e.actor_email ?? e.actor_user_id },
  { header: 'Action', cell: (e) => <Code>{e.action}</Code>, csvHeader: 'action', csv: (e) => e.action },
  {
    header: 'Target',
    cell: (e) => (
      <>
        <Text size="sm">{e.target_type}</Text>
        <Text size="xs" c="dimmed">
          {e.target_id}
        </Text>
      </>
    ),
    csvHeader: 'target_type',
    csv: (e) => e.target_type,
  },
  { header: 'target_id', csv: (e) => e.target_id },
  {
    header: 'Details',
    cell: (e) => <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{JSON.stringify(e.details)}</Code>,
    csvHeader: 'details',
    csv: (e) => e.details,
  },
];

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
  return (
    <TableSection
      title="Audit log"
      query={query}
      rows={(d) => d.pages.flatMap((p) => p.items)}
      rowKey={(e) => String(e.id)}
      columns={COLUMNS}
      csv="audit-log.csv"
      minWidth={800}
      empty="No audit entries match."
      before={
        <Group align="flex-end">
          <TextInput label="Action" placeholder="e.g. key.create" value={action} onChange={(e) => setAction(e.currentTarget.value)} />
          <TextInput label="Since" type="datetime-local" value={since} onChange={(e) => setSince(e.currentTarget.value)} />
          <TextInput label="Until" type="datetime-local" value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
        </Group>
      }
      after={
        query.hasNextPage && (
          <Button variant="default" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
            Load older entries
          </Button>
        )
      }
    />
  );
}
