import { lazy, Suspense, useMemo } from 'react';
import { ErrorState, Loading } from '../components/States.js';
import { useAuthConfig } from '../features/auth/api/getAuthConfig.js';
import { ApiClientProvider } from '../lib/ApiClientContext.js';
import { createApiClient } from '../lib/apiClient.js';
import { LocalAuth } from './auth/LocalAuth.js';
import { Shell } from './Shell.js';

const ClerkAuth = lazy(() => import('./auth/ClerkAuth.js'));

/** Asks the server how to sign in, then mounts the matching auth gate around the shell. */
export function App({ apiBaseUrl, fetch: fetchImpl }: { apiBaseUrl: string; fetch?: typeof fetch }) {
  const anonymous = useMemo(
    () => createApiClient({ baseUrl: apiBaseUrl, getToken: () => null, fetch: fetchImpl }),
    [apiBaseUrl, fetchImpl],
  );
  const config = useAuthConfig(anonymous);
  if (config.isPending) return <Loading label="Starting…" />;
  if (config.isError)
    return (
      <main className="sign-in">
        <ErrorState error={config.error} title="The dashboard cannot reach the server" onRetry={() => config.refetch()} />
      </main>
    );
  if (config.data.mode === 'clerk' && config.data.clerkPublishableKey)
    return (
      <Suspense fallback={<Loading label="Loading sign-in…" />}>
        <ClerkAuth publishableKey={config.data.clerkPublishableKey} apiBaseUrl={apiBaseUrl} />
      </Suspense>
    );
  return (
    <LocalAuth apiBaseUrl={apiBaseUrl} fetch={fetchImpl}>
      {({ client, signOut }) => (
        <ApiClientProvider client={client}>
          <Shell
            account={
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            }
          />
        </ApiClientProvider>
      )}
    </LocalAuth>
  );
}
