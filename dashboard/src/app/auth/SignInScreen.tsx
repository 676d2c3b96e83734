import { useState } from 'react';

export type SignInReason = 'none' | 'rejected' | 'expired' | 'signed-out';

const MESSAGES: Record<SignInReason, string | null> = {
  none: null,
  rejected: 'That token was not accepted. Check that you copied the whole link or token from the latest server start.',
  expired: 'Your session is no longer valid. Sign in again.',
  'signed-out': 'You are signed out.',
};

/** Local mode's sign-in: paste the admin token that the server printed (or open its link). */
export function SignInScreen({ reason, onSubmit }: { reason: SignInReason; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  const message = MESSAGES[reason];
  return (
    <main className="sign-in">
      <div className="card">
        <h1>Sign in to the dashboard</h1>
        {message && (
          <p role="alert" className={reason === 'signed-out' ? 'notice' : 'state-error'}>
            {message}
          </p>
        )}
        <p>
          The server prints a link ending in <code>#token=…</code> when it starts. Open that link, or paste the token (or the
          whole link) here.
        </p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            // Accept the whole printed link as well as the bare token.
            const value = token.trim().replace(/^.*#token=/, '');
            if (value) onSubmit(value);
          }}
        >
          <div className="field">
            <label htmlFor="admin-token">Admin token</label>
            <input
              id="admin-token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(e) => setToken(e.target.value)}
              required
            />
          </div>
          <button type="submit" className="primary">
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
