import { useI18n } from '../i18n/i18n';
import { ReviewInbox } from '../reviews/review-inbox';
import { TemplateGallery } from '../templates/template-gallery';
import { WorkflowEditor } from '../canvas/workflow-editor';
import { WorkflowList } from '../workflows/workflow-list';
import { href, useRoute } from './use-route';

export function App() {
  const route = useRoute();
  const { t, lang, setLang } = useI18n();
  const link = (page: 'workflows' | 'templates' | 'reviews', label: string) => (
    <a href={href({ page })} aria-current={route.page === page ? 'page' : undefined}>{label}</a>
  );
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">{t('appName')}</a>
        <nav aria-label="main">
          {link('workflows', t('workflows'))}
          {link('templates', t('templates'))}
          {link('reviews', t('reviews'))}
        </nav>
        <button type="button" className="lang" onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}>{t('language')}</button>
      </header>
      <main className="page">
        {route.page === 'editor' && <WorkflowEditor key={route.workflowId} workflowId={route.workflowId} {...(route.runId ? { runId: route.runId } : {})} />}
        {route.page === 'workflows' && <WorkflowList />}
        {route.page === 'templates' && <TemplateGallery />}
        {route.page === 'reviews' && <ReviewInbox />}
      </main>
    </div>
  );
}
