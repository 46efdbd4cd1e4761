import { describe, it } from 'vitest';
import { CONTRACT_COLLECTIONS, describeStoreContract } from '../testing/store-contract.js';
import { MongoStore } from './mongo-store.js';

const uri = process.env.MONGODB_URI;

if (uri) {
  const database = `medflow_contract_${process.pid}_${Date.now()}`;
  describeStoreContract(`MongoDB (${database})`, async () => {
    const store = await MongoStore.open({ uri, database, collections: CONTRACT_COLLECTIONS });
    return store;
  });
} else {
  describe('DocumentStore contract: MongoDB', () => {
    it.skip('SKIPPED: set MONGODB_URI (e.g. mongodb://localhost:27017) to run the store contract against MongoDB', () => {});
  });
  console.warn('[mongo-store.test] MongoDB contract suite skipped: MONGODB_URI is not set.');
}
