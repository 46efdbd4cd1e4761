export * from './port.js';
export { COLLECTIONS, type CollectionName } from './collections.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { MongoStore, type MongoStoreOptions } from './mongo-store.js';
export { openStore, type StoreConfig } from './open-store.js';
export { MemoryBlobs } from './memory-blobs.js';
export { everyDocument } from './every-document.js';
