import { AuditPage } from '../admin/audit-page';
import { PackagesPage } from '../admin/packages-page';
import { SecurityPage } from '../admin/security-page';
import { UsersPage } from '../admin/users-page';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { ReviewInbox } from '../reviews/review-inbox';
import { ReviewScreen } from '../reviews/review-screen';
import { TemplateGallery } from '../templates/template-gallery';
import { WorkflowEditor } from '../canvas/workflow-editor';
import { WorkflowList } from '../workflows/workflow-list';
import { href, useRoute, type Route } from './use-route';

type Page = 'workflows' | 'templates' | 'reviews' | 'users' | 'audit' | 'security' | 'packages';
/** The permission each page needs, in menu order; the editor is part of the workflows page. */
const PAGES: ReadonlyArray<[Page, string]> = [['workflows', 'workflow.read'], ['templates', 'template.read'], ['reviews', 'review.read'], ['users', 'user.manage'], ['audit', 'audit.read'], ['security', 'settings.manage'], ['packages', 'node.install']];

export function App() {
  const requested = useRoute();
  const { t, lang, setLang } = useI18n();
  const { session, signOut, can } = useSession();
  const pages = PAGES.filter(([, permission]) => can(permission)).map(([page]) => page);
  // A page the user's roles do not open (a bookmark, the page the previous user was on) gives way to their first one.
  const wanted: Page = requested.page === 'editor' ? 'workflows' : requested.page === 'review' ? 'reviews' : requested.page;
  const route: Route = pages.includes(wanted) ? requested : { page: pages[0] ?? 'workflows' };
  const link = (page: Page) => (
    <a key={page} href={href({ page })} aria-current={route.page === page ? 'page' : undefined}>{t(page)}</a>
  );
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">{t('appName')}</a>
        <nav aria-label="main">
          {pages.map(link)}
        </nav>
        <span className="whoami" title={session.user?.roles.map((r) => t(`role_${r}` as never)).join('・')}>{session.user?.displayName}</span>
        <button type="button" onClick={() => void signOut()}>{t('signOut')}</button>
        <button type="button" className="lang" onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}>{t('language')}</button>
      </header>
      <main className="page">
        {route.page === 'editor' && <WorkflowEditor key={route.workflowId} workflowId={route.workflowId} {...(route.runId ? { runId: route.runId } : {})} />}
        {route.page === 'workflows' && <WorkflowList />}
        {route.page === 'templates' && <TemplateGallery />}
        {route.page === 'reviews' && <ReviewInbox />}
        {route.page === 'review' && <ReviewScreen key={route.reviewId} reviewId={route.reviewId} />}
        {route.page === 'users' && <UsersPage />}
        {route.page === 'audit' && <AuditPage />}
        {route.page === 'security' && <SecurityPage />}
        {route.page === 'packages' && <PackagesPage />}
      </main>
    </div>
  );
}
