import { useEffect, useRef } from 'react';
import type { ReviewField, ReviewSource } from '../api/client';
import { useI18n } from '../i18n/i18n';

const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
/** Whether a recognised line or segment carries (part of) the evidence text. */
const carries = (text: string, evidence: string) => { const a = squash(text), b = squash(evidence); return !!a && !!b && (a.includes(b) || b.includes(a)); };

/** The documents beside the draft; the active field's evidence is highlighted and scrolled into view. */
export function SourcePanel({ reviewId, sources, active }: { reviewId: string; sources: ReviewSource[]; active: ReviewField | undefined }) {
  const { t } = useI18n();
  const root = useRef<HTMLDivElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const evidence = active?.evidence ?? null;

  useEffect(() => { root.current?.querySelector('.evidence')?.scrollIntoView({ block: 'center', behavior: 'smooth' }); }, [active?.key]);

  const fileUrl = (fileId: string) => `/api/reviews/${reviewId}/files/${fileId}`;
  return (
    <div className="source-panel" ref={root} aria-label={t('sources')}>
      {sources.length === 0 && <p className="muted">{t('noSources')}</p>}
      {sources.map((source, i) => {
        switch (source.kind) {
          case 'text': {
            const span = evidence && evidence.end <= source.text.length && source.text.slice(evidence.start, evidence.end) === evidence.text ? evidence : null;
            return (
              <pre key={i} className="source-text" data-testid="source-text">
                {span ? <>{source.text.slice(0, span.start)}<mark className="evidence">{source.text.slice(span.start, span.end)}</mark>{source.text.slice(span.end)}</> : source.text}
              </pre>
            );
          }
          case 'ocr':
            return source.pages.map((page) => (
              <figure key={`${i}-${page.page}`} className="ocr-page">
                <svg viewBox={`0 0 ${page.width} ${page.height}`} role="img" aria-label={`${t('page')} ${page.page}`}>
                  {source.fileId && <image href={fileUrl(source.fileId)} width={page.width} height={page.height} />}
                  {page.lines.map((line, j) => (
                    <rect key={j} x={line.box.x} y={line.box.y} width={line.box.width} height={line.box.height}
                      className={evidence && carries(line.text, evidence.text) ? 'evidence' : line.confidence < 60 ? 'low-confidence' : ''}><title>{line.text} ({Math.round(line.confidence)}%)</title></rect>
                  ))}
                </svg>
              </figure>
            ));
          case 'transcript':
            return (
              <ol key={i} className="transcript">
                {source.segments.map((seg, j) => (
                  <li key={j} className={evidence && carries(seg.text, evidence.text) ? 'evidence' : undefined}>
                    <button type="button" className="link" onClick={() => { if (audio.current) { audio.current.currentTime = seg.start; void audio.current.play(); } }}>{formatTime(seg.start)}</button> {seg.text}
                  </li>
                ))}
              </ol>
            );
          case 'file':
            if (source.mediaType.startsWith('audio/')) return <audio key={i} ref={audio} controls src={fileUrl(source.fileId)} />;
            if (source.mediaType.startsWith('image/')) return <img key={i} src={fileUrl(source.fileId)} alt={source.name} className="source-image" />;
            return <a key={i} href={fileUrl(source.fileId)} target="_blank" rel="noreferrer">{source.name}</a>;
        }
      })}
    </div>
  );
}

const formatTime = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
