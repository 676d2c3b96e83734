import { lazy, Suspense, useEffect } from 'react';
import { Empty, Loading } from '../components/States.js';
import { useMe } from '../features/auth/api/getMe.js';
import { AgentNameForm } from '../features/auth/components/AgentNameForm.js';
import { ConversationPage } from '../features/conversations/components/ConversationPage.js';
import { ConversationsPage } from '../features/conversations/components/ConversationsPage.js';
import { ImagesPage } from '../features/images/components/ImagesPage.js';
import { InboxPage } from '../features/inbox/components/InboxPage.js';
import { OverviewPage } from '../features/overview/components/OverviewPage.js';
import { useSites } from '../features/sites/api/getSites.js';
import { SitesPage } from '../features/sites/components/SitesPage.js';
import { Link } from '../lib/router/Link.js';
import { matchRoute } from '../lib/router/matchRoute.js';
import { useLocation } from '../lib/router/useLocation.js';

// The editor brings zod (form validation against the contract); only admins editing sites pay for it.
const SiteEditorPage = lazy(() =>
  import('../features/sites/components/SiteEditor.js').then((m) => ({ default: m.SiteEditorPage })),
);

// The knowledge page validates sources against the contract (zod) too: loaded when opened.
const KnowledgePage = lazy(() =>
  import('../features/knowledge/components/KnowledgePage.js').then((m) => ({ default: m.KnowledgePage })),
);

// Unanswered questions add answers as sources (contract-checked too): loaded when opened.
const UnansweredPage = lazy(() =>
  import('../features/knowledge/components/UnansweredPage.js').then((m) => ({ default: m.UnansweredPage })),
);

// The webhook forms validate against the contract (zod): loaded when opened.
const WebhooksPage = lazy(() =>
  import('../features/webhooks/components/WebhooksPage.js').then((m) => ({ default: m.WebhooksPage })),
);

const TITLES: [string, string][] = [
  ['/', 'Overview'],
  ['/inbox', 'Inbox'],
  ['/inbox/:id', 'Inbox'],
  ['/conversations', 'Conversations'],
  ['/conversations/:id', 'Conversation'],
  ['/images', 'Images'],
  ['/sites', 'Sites'],
  ['/sites/:id', 'Site'],
  ['/knowledge', 'Knowledge'],
  ['/knowledge/:siteId', 'Knowledge'],
  ['/unanswered', 'Unanswered questions'],
  ['/unanswered/:siteId', 'Unanswered questions'],
  ['/webhooks', 'Webhooks'],
];

/** Path → page. Sites are read here and handed down, so features never import each other. */
export function AppRoutes() {
  const { path } = useLocation();
  const me = useMe();
  const sites = useSites();
  const siteOptions = sites.data ?? [];
  const isAdmin = me.data?.role === 'admin';

  useEffect(() => {
    const title = TITLES.find(([pattern]) => matchRoute(pattern, path))?.[1] ?? 'Not found';
    document.title = `${title} · Chat widget dashboard`;
  }, [path]);

  if (path === '/') return <OverviewPage sites={siteOptions} />;
  const inbox = path === '/inbox' ? { id: null } : matchRoute('/inbox/:id', path);
  if (inbox) return <InboxPage selectedId={inbox.id ?? null} me={me.data?.agent.id ?? null} agentSettings={<AgentNameForm />} />;
  if (path === '/conversations') return <ConversationsPage sites={siteOptions} />;
  const conversation = matchRoute('/conversations/:id', path);
  if (conversation?.id) return <ConversationPage key={conversation.id} id={conversation.id} canDelete={isAdmin} />;
  if (path === '/images') return <ImagesPage sites={siteOptions} />;
  if (path === '/sites') return <SitesPage canEdit={isAdmin} />;
  const site = matchRoute('/sites/:id', path);
  if (site?.id)
    return (
      <Suspense fallback={<Loading label="Loading the editor…" />}>
        <SiteEditorPage key={site.id} id={site.id} canEdit={isAdmin} origin={window.location.origin} />
      </Suspense>
    );
  const knowledge = path === '/knowledge' ? { siteId: null } : matchRoute('/knowledge/:siteId', path);
  if (knowledge)
    return (
      <Suspense fallback={<Loading label="Loading knowledge…" />}>
        <KnowledgePage siteId={knowledge.siteId ?? null} sites={siteOptions} canEdit={isAdmin} />
      </Suspense>
    );
  const unanswered = path === '/unanswered' ? { siteId: null } : matchRoute('/unanswered/:siteId', path);
  if (unanswered)
    return (
      <Suspense fallback={<Loading label="Loading questions…" />}>
        <UnansweredPage siteId={unanswered.siteId ?? null} sites={siteOptions} canEdit={isAdmin} />
      </Suspense>
    );
  if (path === '/webhooks')
    return (
      <Suspense fallback={<Loading label="Loading webhooks…" />}>
        <WebhooksPage isAdmin={isAdmin} />
      </Suspense>
    );
  return (
    <Empty title="Page not found">
      <p>
        <Link to="/">Go to the overview</Link>
      </p>
    </Empty>
  );
}
