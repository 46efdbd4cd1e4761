import { useEffect, useRef, useState } from 'react';
import type { WorkflowDocument } from '@medflow/sdk';
import { api, ApiError, type Analysis, type WorkflowRecord } from '../api/client';

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'failed' | 'conflict';

/**
 * Saves the draft 600 ms after the last edit, naming the revision it was based on so that a save from a
 * second tab cannot silently overwrite this one (the server answers 409).
 */
export function useAutosave(workflow: WorkflowRecord | undefined, document: WorkflowDocument | undefined, onSaved: (w: WorkflowRecord, a: Analysis) => void) {
  const [state, setState] = useState<SaveState>('saved');
  const [error, setError] = useState<unknown>();
  const lastSaved = useRef<string | undefined>(undefined);
  const revision = useRef<number | undefined>(undefined);
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  useEffect(() => {
    if (workflow && revision.current === undefined) {
      revision.current = workflow.revision;
      lastSaved.current = JSON.stringify(workflow.draft);
    }
  }, [workflow]);

  const json = document ? JSON.stringify(document) : undefined;
  const saveNow = useRef<() => Promise<void>>(async () => {});
  saveNow.current = async () => {
    if (!workflow || !document || json === lastSaved.current || revision.current === undefined) return;
    setState('saving');
    try {
      const res = await api.saveWorkflow(workflow.id, document, revision.current);
      revision.current = res.workflow.revision;
      lastSaved.current = json;
      setState('saved');
      setError(undefined);
      onSavedRef.current(res.workflow, res.analysis);
    } catch (e) {
      setError(e);
      setState(e instanceof ApiError && e.status === 409 ? 'conflict' : 'failed');
    }
  };

  useEffect(() => {
    if (!json || json === lastSaved.current || state === 'conflict') return;
    setState('unsaved');
    const timer = setTimeout(() => void saveNow.current(), 600);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [json]);

  return {
    state, error,
    flush: () => saveNow.current(),
    /** After a restore or reload the server's revision is the new base. */
    rebase: (w: WorkflowRecord) => { revision.current = w.revision; lastSaved.current = JSON.stringify(w.draft); setState('saved'); },
  };
}
