import { Anchor, Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, client, type Schemas } from '../api/client';
import { useOrgMembers } from '../api/queries';
import { MembersSection } from '../components/MembersSection';
import { useOrg } from '../components/Shell';
import { ErrorNotice, QueryView } from '../components/states';

const TEAM_ROLES = [
  { value: 'member', label: 'Member (reads the team)' },
  { value: 'admin', label: 'Team admin (keys, members)' },
];

export function TeamPage() {
  const { orgId, can } = useOrg();
  const { teamId = '' } = useParams();
  const queryClient = useQueryClient();
  const manage = can.manageTeam(teamId);
  const team = useQuery({ queryKey: ['team', orgId, teamId], queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/teams/{team_id}', { params: { path: { org_id: orgId, team_id: teamId } } })) });
  const members = useQuery({
    queryKey: ['team-members', orgId, teamId],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/teams/{team_id}/members', { params: { path: { org_id: orgId, team_id: teamId }, query: { limit: 200 } } })),
  });
  const orgMembers = useOrgMembers(orgId, manage);
  const [userId, setUserId] = useState<string | null>(null);
  const [role, setRole] = useState<string>('member');
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['team-members', orgId, teamId] });
  const path = (user: string) => ({ params: { path: { org_id: orgId, team_id: teamId, user_id: user } } });
  const add = useMutation({
    mutationFn: () =>
      api(() => client.POST('/api/v1/orgs/{org_id}/teams/{team_id}/members', { params: { path: { org_id: orgId, team_id: teamId } }, body: { user_id: userId as string, role: role as Schemas['TeamRole'] } })),
    onSuccess: () => {
      setUserId(null);
      invalidate();
    },
  });
  const change = useMutation({
    mutationFn: ({ user, role }: { user: string; role: Schemas['TeamRole'] }) => api(() => client.PATCH('/api/v1/orgs/{org_id}/teams/{team_id}/members/{user_id}', { ...path(user), body: { role } })),
    onSettled: invalidate,
  });
  const inTeam = new Set((members.data?.items ?? []).map((m) => m.user_id));

  return (
    <Stack>
      <Anchor component={Link} to={`/orgs/${orgId}/teams`} size="sm">
        ← Teams
      </Anchor>
      <QueryView query={team}>{(t) => <Title order={2}>Team {t.name}</Title>}</QueryView>
      <Group>
        <Anchor component={Link} to={`/orgs/${orgId}/keys`} size="sm">
          Keys
        </Anchor>
        <Anchor component={Link} to={`/orgs/${orgId}/limits`} size="sm">
          Budgets &amp; rate limits
        </Anchor>
      </Group>
      <MembersSection
        title="Members"
        order={3}
        query={members}
        manage={manage}
        roles={() => TEAM_ROLES}
        onRoleChange={(m, r) => change.mutate({ user: m.user_id, role: r as Schemas['TeamRole'] })}
        onRemove={(m) => api(() => client.DELETE('/api/v1/orgs/{org_id}/teams/{team_id}/members/{user_id}', path(m.user_id))).then(invalidate)}
        removeText="They stay in the organization."
        before={<ErrorNotice error={change.error} />}
        empty="This team has no members yet."
      />
      {manage && (
        <Stack gap="xs">
          <Title order={4}>Add a member</Title>
          <Text size="sm" c="dimmed">
            Only members of the organization can join a team.
          </Text>
          <Group align="flex-end">
            <Select
              label="Person"
              searchable
              w={280}
              value={userId}
              onChange={setUserId}
              data={(orgMembers.data?.items ?? []).filter((m) => !inTeam.has(m.user_id)).map((m) => ({ value: m.user_id, label: `${m.display_name} <${m.email}>` }))}
            />
            <Select label="Role" w={240} value={role} allowDeselect={false} onChange={(v) => setRole(v ?? 'member')} data={TEAM_ROLES} />
            <Button disabled={!userId} loading={add.isPending} onClick={() => add.mutate()}>
              Add
            </Button>
          </Group>
          <ErrorNotice error={add.error} />
        </Stack>
      )}
    </Stack>
  );
}
