import { AuditPage } from '../admin/audit-page';
import { UsersPage } from '../admin/users-page';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { ReviewInbox } from '../reviews/review-inbox';
import { TemplateGallery } from '../templates/template-gallery';
import { WorkflowEditor } from '../canvas/workflow-editor';
import { WorkflowList } from '../workflows/workflow-list';
import { href, useRoute } from './use-route';

export function App() {
  const route = useRoute();
  const { t, lang, setLang } = useI18n();
  const { session, signOut, can } = useSession();
  const link = (page: 'workflows' | 'templates' | 'reviews' | 'users' | 'audit', label: string) => (
    <a href={href({ page })} aria-current={route.page === page ? 'page' : undefined}>{label}</a>
  );
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">{t('appName')}</a>
        <nav aria-label="main">
          {can('workflow.read') && link('workflows', t('workflows'))}
          {can('template.read') && link('templates', t('templates'))}
          {can('review.read') && link('reviews', t('reviews'))}
          {can('user.manage') && link('users', t('users'))}
          {can('audit.read') && link('audit', t('audit'))}
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
        {route.page === 'users' && <UsersPage />}
        {route.page === 'audit' && <AuditPage />}
      </main>
    </div>
  );
}
