import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { isUnauthorized } from '../../../../contract/ApiError.js';
import { ErrorState, Loading } from '../../components/States.js';
import { meQueryOptions } from '../../features/auth/api/getMe.js';
import { type ApiClient, createApiClient } from '../../lib/apiClient.js';
import { clearLocalToken, storeLocalToken, takeLocalToken } from './localToken.js';
import { type SignInReason, SignInScreen } from './SignInScreen.js';

export interface LocalSession {
  client: ApiClient;
  signOut: () => void;
}

/**
 * Local mode's gate: the token from `#token=…` or sessionStorage, checked with `GET me`. A 401 there
 * (or on any later request) forgets the token and shows the sign-in screen with the reason.
 */
export function LocalAuth({
  apiBaseUrl,
  fetch: fetchImpl,
  children,
}: {
  apiBaseUrl: string;
  fetch?: typeof fetch;
  children: (session: LocalSession) => ReactNode;
}) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(() => takeLocalToken());
  const [reason, setReason] = useState<SignInReason>('none');
  const client = useMemo(
    () => createApiClient({ baseUrl: apiBaseUrl, getToken: () => token, fetch: fetchImpl }),
    [apiBaseUrl, token, fetchImpl],
  );
  const me = useQuery({ ...meQueryOptions(client), enabled: token !== null, retry: false });

  const signOut = useCallback(
    (why: SignInReason) => {
      clearLocalToken();
      queryClient.clear();
      setReason(why);
      setToken(null);
    },
    [queryClient],
  );

  useEffect(() => {
    if (me.isError && isUnauthorized(me.error)) signOut(me.data ? 'expired' : 'rejected');
  }, [me.isError, me.error, me.data, signOut]);

  // A token revoked mid-session: any query answered 401 signs out.
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (
          event.type === 'updated' &&
          event.action.type === 'error' &&
          isUnauthorized(event.action.error) &&
          event.query.queryKey[0] !== 'me'
        )
          signOut('expired');
      }),
    [queryClient, signOut],
  );

  if (token === null)
    return (
      <SignInScreen
        reason={reason}
        onSubmit={(value) => {
          storeLocalToken(value);
          queryClient.clear();
          setReason('none');
          setToken(value);
        }}
      />
    );
  if (me.isPending) return <Loading label="Signing in…" />;
  if (me.isError)
    return (
      <main className="sign-in">
        <ErrorState error={me.error} title="Could not reach the server" onRetry={() => me.refetch()} />
      </main>
    );
  return children({ client, signOut: () => signOut('signed-out') });
}
