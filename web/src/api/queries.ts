// react-query hooks for the reads every screen shares.

import { useQuery } from '@tanstack/react-query';
import { api, client } from './client';

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => api(() => client.GET('/api/v1/me')), staleTime: 60_000 });
}

export function useTeams(orgId: string) {
  return useQuery({
    queryKey: ['teams', orgId],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/teams', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
}

export function useKeys(orgId: string, query: { team_id?: string; revoked?: boolean; q?: string } = {}) {
  return useQuery({
    queryKey: ['keys', orgId, query],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/keys', { params: { path: { org_id: orgId }, query: { limit: 200, ...query } } })),
  });
}

export function useModels() {
  return useQuery({ queryKey: ['models'], queryFn: () => api(() => client.GET('/api/v1/models', { params: { query: { limit: 200 } } })) });
}

export function useOrgMembers(orgId: string, enabled = true) {
  return useQuery({
    queryKey: ['org-members', orgId],
    enabled,
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/members', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
}

export function useBudgets(orgId: string) {
  return useQuery({
    queryKey: ['budgets', orgId],
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/budgets', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
}

export function useAlerts(orgId: string, limit = 200, enabled = true) {
  return useQuery({
    queryKey: ['alerts', orgId, limit],
    enabled,
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/alerts', { params: { path: { org_id: orgId }, query: { limit } } })),
  });
}

export function useProviders() {
  return useQuery({ queryKey: ['providers'], queryFn: () => api(() => client.GET('/api/v1/providers', { params: { query: { limit: 200 } } })) });
}

export function usePolicies(orgId: string, enabled = true) {
  return useQuery({
    queryKey: ['policies', orgId],
    enabled,
    queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}/routing-policies', { params: { path: { org_id: orgId }, query: { limit: 200 } } })),
  });
}

export function useOrgDetails(orgId: string) {
  return useQuery({ queryKey: ['org', orgId], queryFn: () => api(() => client.GET('/api/v1/orgs/{org_id}', { params: { path: { org_id: orgId } } })) });
}
