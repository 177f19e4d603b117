// The console's screens. Every screen but the frame is its own chunk, loaded when first opened
// (React.lazy): the first load fetches only the shell, the login page and what they need.

import { lazy, type ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { Shell, OrgRedirect } from './components/Shell';
import { LoginPage } from './pages/LoginPage';

/** A lazily loaded screen: `page(() => import('./pages/X'), 'XPage')`. */
function page<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string) {
  const Component = lazy(() => load().then((m) => ({ default: m[name] as ComponentType })));
  return <Component />;
}

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <OrgRedirect /> },
      { path: 'orgs/:orgId', element: page(() => import('./pages/OverviewPage'), 'OverviewPage') },
      { path: 'orgs/:orgId/teams', element: page(() => import('./pages/TeamsPage'), 'TeamsPage') },
      { path: 'orgs/:orgId/teams/:teamId', element: page(() => import('./pages/TeamPage'), 'TeamPage') },
      { path: 'orgs/:orgId/keys', element: page(() => import('./pages/KeysPage'), 'KeysPage') },
      { path: 'orgs/:orgId/limits', element: page(() => import('./pages/LimitsPage'), 'LimitsPage') },
      { path: 'orgs/:orgId/policy', element: page(() => import('./pages/PolicyPage'), 'PolicyPage') },
      { path: 'orgs/:orgId/providers', element: page(() => import('./pages/ProvidersPage'), 'ProvidersPage') },
      { path: 'orgs/:orgId/alerts', element: page(() => import('./pages/AlertsPage'), 'AlertsPage') },
      { path: 'orgs/:orgId/audit', element: page(() => import('./pages/AuditPage'), 'AuditPage') },
      { path: 'orgs/:orgId/settings', element: page(() => import('./admin/OrgSettingsPage'), 'OrgSettingsPage') },
      { path: 'orgs/:orgId/reports/usage', element: page(() => import('./reports/UsagePage'), 'UsagePage') },
      { path: 'orgs/:orgId/reports/savings', element: page(() => import('./reports/SavingsPage'), 'SavingsPage') },
      { path: 'orgs/:orgId/reports/egress', element: page(() => import('./reports/EgressPage'), 'EgressPage') },
      { path: 'orgs/:orgId/reports/burn-rate', element: page(() => import('./reports/BurnRate'), 'BurnRatePage') },
      { path: 'orgs/:orgId/reports/reconciliation', element: page(() => import('./reports/ReconciliationPage'), 'ReconciliationPage') },
      { path: 'admin/orgs', element: page(() => import('./admin/OrgsPage'), 'OrgsPage') },
      { path: 'admin/users', element: page(() => import('./admin/UsersPage'), 'UsersPage') },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
];
