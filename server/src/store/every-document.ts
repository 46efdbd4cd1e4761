import type { Collection, StoredDocument } from './port.js';

/** Every document of a collection, a page at a time (rewriting a visited document does not move it). */
export async function* everyDocument<T extends StoredDocument>(collection: Collection<T>, pageSize = 500): AsyncGenerator<T> {
  for (let skip = 0; ; skip += pageSize) {
    const page = await collection.find({}, { limit: pageSize, skip });
    yield* page;
    if (page.length < pageSize) return;
  }
}
