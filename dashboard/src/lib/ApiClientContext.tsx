import { createContext, type ReactNode, useContext } from 'react';
import type { ApiClient } from './apiClient.js';

const ApiClientContext = createContext<ApiClient | null>(null);

export function ApiClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiClientContext.Provider value={client}>{children}</ApiClientContext.Provider>;
}

/** The signed-in API client; only components under the auth gate may call it. */
export function useApiClient(): ApiClient {
  const client = useContext(ApiClientContext);
  if (!client) throw new Error('useApiClient needs an <ApiClientProvider> (render under the auth gate)');
  return client;
}
