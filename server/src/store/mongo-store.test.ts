import { describe, expect, it } from 'vitest';
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

describe('MongoDB URI parsing', () => {
  it('takes the database from single-host, replica-set and SRV URIs', async () => {
    const { databaseFromUri } = await import('./mongo-store.js');
    expect(databaseFromUri('mongodb://localhost:27017/medflow_prod')).toBe('medflow_prod');
    expect(databaseFromUri('mongodb://a:27017,b:27017/clinic?replicaSet=rs0')).toBe('clinic');
    expect(databaseFromUri('mongodb+srv://user:pw@cluster.local/x')).toBe('x');
    expect(databaseFromUri('mongodb://localhost:27017')).toBe('medflow');
  });
});
