import { useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';
import { navigate } from '../shell/use-route';

export function TemplateGallery() {
  const { t } = useI18n();
  const { data, error } = useAsync(api.templates, []);
  const [actionError, setActionError] = useState<unknown>();
  const use = async (slug: string) => {
    try {
      const { document } = await api.template(slug);
      const { workflow } = await api.createWorkflow(document);
      navigate({ page: 'editor', workflowId: workflow.id });
    } catch (e) { setActionError(e); }
  };
  return (
    <section className="list-page">
      <h1>{t('templates')}</h1>
      <ErrorBanner error={error ?? actionError} />
      <ul className="cards">
        {data?.map((tpl) => (
          <li key={tpl.slug} className="card">
            <h2 className="card-title">{tpl.name}</h2>
            <p className="muted">{tpl.slug} · {t('nodes', { n: tpl.nodeCount })}</p>
            <p>{tpl.description}</p>
            <button type="button" className="primary" onClick={() => use(tpl.slug)}>{t('useTemplate')}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
