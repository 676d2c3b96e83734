// Clerk mode, in its own chunk: local mode never downloads clerk-js. clerk-js and Clerk's UI are bundled
// (the `no-rhc` builds load no remote code), so no script comes from a CDN.
import { Clerk } from '@clerk/clerk-js/no-rhc';
import { ClerkProvider, OrganizationSwitcher, SignIn, UserButton, useAuth } from '@clerk/react';
import { ui } from '@clerk/ui/no-rhc';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Loading } from '../../components/States.js';
import { ApiClientProvider } from '../../lib/ApiClientContext.js';
import { createApiClient } from '../../lib/apiClient.js';
import { Shell } from '../Shell.js';

function ClerkSession({ apiBaseUrl }: { apiBaseUrl: string }) {
  const { isLoaded, isSignedIn, getToken, orgId, userId } = useAuth();
  const queryClient = useQueryClient();
  const latestGetToken = useRef(getToken);
  latestGetToken.current = getToken;
  // Every request asks Clerk for a fresh (short-lived) session token.
  const client = useMemo(() => createApiClient({ baseUrl: apiBaseUrl, getToken: () => latestGetToken.current() }), [apiBaseUrl]);

  // The tenant is the active organization: when it changes, nothing cached may survive. The shell
  // unmounts for one render while the cache is cleared, so no query sees the other org's data.
  const scope = isSignedIn ? `${userId}:${orgId ?? 'personal'}` : null;
  const [activeScope, setActiveScope] = useState(scope);
  useEffect(() => {
    if (scope === activeScope) return;
    queryClient.clear();
    setActiveScope(scope);
  }, [scope, activeScope, queryClient]);

  if (!isLoaded) return <Loading label="Loading sign-in…" />;
  if (!isSignedIn)
    return (
      <main className="sign-in">
        <SignIn routing="hash" />
      </main>
    );
  if (scope !== activeScope) return <Loading label="Switching organization…" />;
  return (
    <ApiClientProvider client={client}>
      <Shell
        account={
          <>
            <OrganizationSwitcher hidePersonal={false} />
            <UserButton />
          </>
        }
      />
    </ApiClientProvider>
  );
}

/** Signs in with Clerk, then renders the dashboard with a Clerk-token API client. */
export default function ClerkAuth({ publishableKey, apiBaseUrl }: { publishableKey: string; apiBaseUrl: string }) {
  return (
    <ClerkProvider publishableKey={publishableKey} Clerk={Clerk} ui={ui} afterSignOutUrl="/dashboard/">
      <ClerkSession apiBaseUrl={apiBaseUrl} />
    </ClerkProvider>
  );
}
