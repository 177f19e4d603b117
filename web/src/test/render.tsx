import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';

export function renderUi(ui: ReactElement) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </MantineProvider>,
  );
}

/** Replaces fetch with a handler; returns the requests it saw. */
export function mockFetch(handler: (req: Request) => Response | Promise<Response>) {
  const seen: Request[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    seen.push(req.clone());
    return handler(req);
  }) as typeof fetch;
  return seen;
}

export function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export const TEST_ORG = '0190aaaa-0000-7000-8000-0000000000aa';

/** `GET /me` of a user with `role` in TEST_ORG (or a platform admin). */
export function meBody(role: 'owner' | 'admin' | 'viewer' | 'platform') {
  return {
    user: { id: 'u1', email: 'a@example.com', display_name: 'A', is_platform_admin: role === 'platform', disabled: false, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z' },
    memberships: role === 'platform' ? [] : [{ org_id: TEST_ORG, org_name: 'Demo', org_role: role }],
  };
}

/** Renders a screen at `/orgs/TEST_ORG/<sub>` inside the router, as the Shell would. */
export function renderPage(ui: ReactElement, sub = 'x') {
  return renderUi(
    <MemoryRouter initialEntries={[`/orgs/${TEST_ORG}/${sub}`]}>
      <Routes>
        <Route path={`/orgs/:orgId/${sub}`} element={ui} />
      </Routes>
    </MemoryRouter>,
  );
}

/** A fetch handler answering by method and path (`GET /api/v1/me`); anything else is a 404. */
export function routeFetch(routes: Record<string, (req: Request) => Response | Promise<Response>>) {
  return mockFetch((req) => {
    const url = new URL(req.url);
    const handler = routes[`${req.method} ${url.pathname}`];
    return handler ? handler(req) : json(404, { error: { code: 'not_found', message: 'not found' } });
  });
}
