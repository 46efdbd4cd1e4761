import { describe, expect, it } from 'vitest';
import type { RunEvent } from '@medflow/sdk';
import { COLLECTIONS, SqliteStore } from '../store/index.js';
import { StoreJournal } from './store-journal.js';

const event = (seq: number, type: RunEvent['type']): RunEvent => ({ runId: 'r1', seq, type, at: new Date().toISOString() });

describe('StoreJournal events', () => {
  it('stores the events of one turn in one write, and the end of a run at once', async () => {
    const store = new SqliteStore({ path: ':memory:', collections: COLLECTIONS });
    const events = store.collection('run_events');
    let puts = 0;
    const put = events.put.bind(events);
    events.put = (doc) => { puts++; return put(doc); };
    const journal = new StoreJournal(store);
    const written = [journal.appendEvent(event(1, 'node.started')), journal.appendEvent(event(2, 'node.completed'))];
    expect(puts).toBe(0); // waits for the turn to end
    const end = journal.appendEvent(event(3, 'run.completed'));
    expect(puts).toBe(1); // not for the end of the run: written now, with what came before it
    await Promise.all([...written, end]);
    const [chunk] = await events.find({}, { idPrefix: 'r1/' }) as unknown as Array<{ events: RunEvent[] }>;
    expect(chunk!.events.map((e) => e.type)).toEqual(['node.started', 'node.completed', 'run.completed']);
    await new Promise((r) => setImmediate(r));
    expect(puts).toBe(1); // the scheduled write found nothing left to do
    await store.close();
  });
});
