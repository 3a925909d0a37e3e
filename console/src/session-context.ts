import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api/client.ts';
import type { Me } from './api/types.ts';

export interface Session {
  api: ApiClient;
  me: Me;
  /** True when the API has no `GET /v1/me` yet: every key is then a partner's. */
  roleAssumed: boolean;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
