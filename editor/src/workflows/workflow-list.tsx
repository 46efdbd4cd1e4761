import { useRef, useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';
import { href, navigate } from '../shell/use-route';

export function WorkflowList() {
  const { t, lang } = useI18n();
  const { data, error, reload } = useAsync(api.listWorkflows, []);
  const [actionError, setActionError] = useState<unknown>();
  const fileInput = useRef<HTMLInputElement>(null);

  const create = async (document: unknown) => {
    try {
      const { workflow } = await api.createWorkflow(document);
      navigate({ page: 'editor', workflowId: workflow.id });
    } catch (e) { setActionError(e); }
  };
  const importFile = async (file: File) => {
    try {
      const json = JSON.parse(await file.text());
      await create(json.workflow?.draft ?? json.document ?? json);
    } catch (e) { setActionError(e); }
  };
  const remove = async (id: string, name: string) => {
    if (!window.confirm(t('confirmDelete', { name }))) return;
    try { await api.deleteWorkflow(id); reload(); } catch (e) { setActionError(e); }
  };

  return (
    <section className="list-page">
      <div className="list-actions">
        <h1>{t('workflows')}</h1>
        <button type="button" className="primary" onClick={() => create({ name: t('untitled'), nodes: [], edges: [] })}>{t('newWorkflow')}</button>
        <button type="button" onClick={() => fileInput.current?.click()}>{t('import')}</button>
        <input ref={fileInput} type="file" accept="application/json,.json" hidden aria-label={t('import')}
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void importFile(f); e.target.value = ''; }} />
      </div>
      <ErrorBanner error={error ?? actionError} />
      {data && data.length === 0 && <p className="empty">{t('noWorkflows')}</p>}
      <ul className="cards">
        {data?.map((w) => (
          <li key={w.id} className="card">
            <a href={href({ page: 'editor', workflowId: w.id })} className="card-title">{w.name}</a>
            <p className="muted">
              {t('nodes', { n: w.nodeCount })} · {w.latestVersion ? t('published', { v: w.latestVersion }) : t('draftOnly')} · {t('updated')} {new Date(w.updatedAt).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB')}
            </p>
            {w.description && <p>{w.description}</p>}
            <div className="card-actions">
              <a href={href({ page: 'editor', workflowId: w.id })}>{t('open')}</a>
              <button type="button" className="danger" onClick={() => remove(w.id, w.name)}>{t('delete')}</button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
