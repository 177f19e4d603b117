import { Navigate, type RouteObject } from 'react-router';
import { Shell, OrgRedirect } from './components/Shell';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';
import { TeamsPage } from './pages/TeamsPage';
import { TeamPage } from './pages/TeamPage';
import { KeysPage } from './pages/KeysPage';
import { LimitsPage } from './pages/LimitsPage';
import { PolicyPage } from './pages/PolicyPage';
import { ProvidersPage } from './pages/ProvidersPage';
import { AuditPage } from './pages/AuditPage';
import { AlertsPage } from './pages/AlertsPage';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <OrgRedirect /> },
      { path: 'orgs/:orgId', element: <OverviewPage /> },
      { path: 'orgs/:orgId/teams', element: <TeamsPage /> },
      { path: 'orgs/:orgId/teams/:teamId', element: <TeamPage /> },
      { path: 'orgs/:orgId/keys', element: <KeysPage /> },
      { path: 'orgs/:orgId/limits', element: <LimitsPage /> },
      { path: 'orgs/:orgId/policy', element: <PolicyPage /> },
      { path: 'orgs/:orgId/providers', element: <ProvidersPage /> },
      { path: 'orgs/:orgId/alerts', element: <AlertsPage /> },
      { path: 'orgs/:orgId/audit', element: <AuditPage /> },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
];
