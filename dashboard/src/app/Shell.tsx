import type { ReactNode } from 'react';
import { useMe } from '../features/auth/api/getMe.js';
import { useInboxEvents } from '../features/inbox/api/inboxEvents.js';
import { Link } from '../lib/router/Link.js';
import { useLocation } from '../lib/router/useLocation.js';
import { AppRoutes } from './AppRoutes.js';

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/inbox', label: 'Inbox' },
  { to: '/conversations', label: 'Conversations' },
  { to: '/images', label: 'Images' },
  { to: '/sites', label: 'Sites' },
  { to: '/knowledge', label: 'Knowledge' },
  { to: '/unanswered', label: 'Unanswered' },
  { to: '/webhooks', label: 'Webhooks' },
] as const;

/** The signed-in frame: skip link, header with navigation and account controls, the routed page. */
export function Shell({ account }: { account: ReactNode }) {
  const { path } = useLocation();
  const me = useMe();
  // While the dashboard is open its agent counts as online, and the inbox stays live.
  useInboxEvents();
  const current = (to: string) => (to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`));
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Chat widget
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={current(item.to) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          {me.data && <span className="role">{me.data.role === 'admin' ? 'Admin' : 'Member'}</span>}
          {account}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <AppRoutes />
      </main>
    </>
  );
}
