// The console's session: the admin API's access and refresh tokens, kept in sessionStorage so a
// session ends with the browser tab, plus a notice shown on the login page (e.g. why the
// session ended). React reads it through useSyncExternalStore (see auth/useSession.ts).

export interface Tokens {
  access: string;
  refresh: string;
  /** Epoch milliseconds after which the access token is expired. */
  expiresAt: number;
}

export interface SessionState {
  tokens: Tokens | null;
  notice: string | null;
}

const STORAGE_KEY = 'sluice.session';

function load(): Tokens | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

let state: SessionState = { tokens: load(), notice: null };
const listeners = new Set<() => void>();

function publish(next: SessionState) {
  state = next;
  try {
    if (next.tokens) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next.tokens));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (private mode); the session then lasts until a reload.
  }
  listeners.forEach((l) => l());
}

export const session = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  start(pair: { access_token: string; refresh_token: string; expires_in: number }) {
    publish({
      tokens: { access: pair.access_token, refresh: pair.refresh_token, expiresAt: Date.now() + pair.expires_in * 1000 },
      notice: null,
    });
  },
  /** Ends the session locally; `notice` tells the login page why. */
  end(notice: string | null = null) {
    publish({ tokens: null, notice });
  },
};
