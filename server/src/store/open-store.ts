import { COLLECTIONS } from './collections.js';
import { MongoStore } from './mongo-store.js';
import type { DocumentStore } from './port.js';
import { SqliteStore } from './sqlite-store.js';

export interface StoreConfig {
  /** When set, MongoDB is used; otherwise the embedded SQLite file. */
  mongodbUri?: string;
  sqlitePath: string;
  durability?: 'normal' | 'full';
}

export async function openStore(config: StoreConfig): Promise<DocumentStore> {
  if (config.mongodbUri) return MongoStore.open({ uri: config.mongodbUri, collections: COLLECTIONS });
  return new SqliteStore({ path: config.sqlitePath, collections: COLLECTIONS, ...(config.durability ? { durability: config.durability } : {}) });
}
