// The frame around every signed-in screen: header with the organization picker and the user
// menu, and a navigation bar that collapses behind a burger button in narrow windows.

import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Select, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Navigate, Outlet, NavLink as RouterLink, useLocation, useNavigate, useParams } from 'react-router';
import { api, client, logout } from '../api/client';
import { useMe } from '../api/queries';
import { abilities } from '../auth/roles';
import { useSession } from '../auth/useSession';
import { ErrorNotice, Loading } from './states';

export function useOrgs() {
  return useQuery({ queryKey: ['orgs'], queryFn: () => api(() => client.GET('/api/v1/orgs', { params: { query: { limit: 200 } } })) });
}

/** The current org id and what the user may do in it. */
export function useOrg() {
  const { orgId = '' } = useParams();
  const me = useMe();
  return { orgId, me: me.data, can: abilities(me.data, orgId) };
}

interface NavItem {
  to: string;
  label: string;
  /** Needs an org role (team-only members do not see it). */
  orgRole?: boolean;
}

const SECTIONS: { title: string | null; links: NavItem[] }[] = [
  {
    title: null,
    links: [
      { to: '', label: 'Overview' },
      { to: 'teams', label: 'Teams & members' },
      { to: 'keys', label: 'Virtual keys' },
      { to: 'limits', label: 'Budgets & rate limits' },
      { to: 'policy', label: 'Routing policy', orgRole: true },
      { to: 'providers', label: 'Providers & models' },
      { to: 'settings', label: 'Organization settings', orgRole: true },
    ],
  },
  {
    title: 'Reports',
    links: [
      { to: 'reports/usage', label: 'Usage & spend', orgRole: true },
      { to: 'reports/savings', label: 'Savings', orgRole: true },
      { to: 'reports/burn-rate', label: 'Burn rate', orgRole: true },
      { to: 'reports/egress', label: 'Egress', orgRole: true },
      { to: 'reports/reconciliation', label: 'Reconciliation', orgRole: true },
      { to: 'alerts', label: 'Alerts', orgRole: true },
      { to: 'audit', label: 'Audit log', orgRole: true },
    ],
  },
];

const PLATFORM_LINKS: NavItem[] = [
  { to: '/admin/orgs', label: 'Organizations' },
  { to: '/admin/users', label: 'Users' },
];

export function Shell() {
  const { tokens } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [opened, { toggle, close }] = useDisclosure();
  const { orgId } = useParams();
  const me = useMe();
  const orgs = useOrgs();
  if (!tokens) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  const can = abilities(me.data, orgId);

  const signOut = async () => {
    await logout();
    queryClient.clear();
    navigate('/login');
  };

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4">
              Sluice
            </Title>
            {orgs.data && orgs.data.items.length > 0 && (
              <Select
                aria-label="Organization"
                size="xs"
                w={{ base: 140, sm: 220 }}
                value={orgId ?? null}
                data={orgs.data.items.map((o) => ({ value: o.id, label: o.name }))}
                onChange={(id) => id && navigate(`/orgs/${id}`)}
                allowDeselect={false}
              />
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="sm" c="dimmed">
              {me.data?.user.email}
              {can.platformAdmin ? ' · platform admin' : can.orgRole ? ` · ${can.orgRole}` : ''}
            </Text>
            <Button size="xs" variant="default" onClick={signOut}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        <ScrollArea>
          {orgId &&
            SECTIONS.map((section) => {
              const links = section.links.filter((l) => !l.orgRole || can.readOrg);
              return (
                links.length > 0 && (
                  <div key={section.title ?? 'main'}>
                    {section.title && <NavHeading>{section.title}</NavHeading>}
                    {links.map((l) => {
                      const to = `/orgs/${orgId}${l.to ? `/${l.to}` : ''}`;
                      return <NavItemLink key={l.to} to={to} label={l.label} active={l.to === '' ? location.pathname === to : location.pathname.startsWith(to)} onClick={close} />;
                    })}
                  </div>
                )
              );
            })}
          {can.platformAdmin && (
            <div>
              <NavHeading>Platform</NavHeading>
              {PLATFORM_LINKS.map((l) => (
                <NavItemLink key={l.to} to={l.to} label={l.label} active={location.pathname.startsWith(l.to)} onClick={close} />
              ))}
            </div>
          )}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <VisuallyHidden>
          <a href="#main">Skip to content</a>
        </VisuallyHidden>
        <div id="main">
          {me.isError ? (
            <ErrorNotice error={me.error} onRetry={() => me.refetch()} />
          ) : me.isPending ? (
            <Loading />
          ) : (
            // Screens are loaded on first use (routes.tsx).
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          )}
        </div>
      </AppShell.Main>
    </AppShell>
  );
}

function NavHeading({ children }: { children: string }) {
  return (
    <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
      {children}
    </Text>
  );
}

function NavItemLink({ to, label, active, onClick }: { to: string; label: string; active: boolean; onClick: () => void }) {
  return <NavLink component={RouterLink} to={to} end label={label} onClick={onClick} active={active} />;
}

/** `/`: the first organization the user belongs to. */
export function OrgRedirect() {
  const orgs = useOrgs();
  const me = useMe();
  if (orgs.isPending) return <Loading />;
  if (orgs.isError) return <ErrorNotice error={orgs.error} onRetry={() => orgs.refetch()} />;
  const first = orgs.data.items[0];
  if (!first && me.data?.user.is_platform_admin) return <Navigate to="/admin/orgs" replace />;
  if (!first) return <Text c="dimmed">You do not belong to any organization yet. Ask an administrator to add you.</Text>;
  return <Navigate to={`/orgs/${first.id}`} replace />;
}
