import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeSecretFile } from './keyring.js';

/** The key that seals the audit trail: from MEDFLOW_AUDIT_KEY, else its own file (generated once, mode 0600). */
export interface AuditKey { key: Buffer; source: { kind: 'env' } | { kind: 'file'; path: string; generated: boolean } }

/**
 * Not derived from the data keys: those rotate and old ones are retired after re-encryption, while every event ever
 * sealed must stay verifiable. Kept out of the store so that whoever can rewrite the database cannot re-seal it.
 */
export function loadAuditKey(options: { envKey?: string; keyFile: string }): AuditKey {
  if (options.envKey) return { key: decode(options.envKey, 'MEDFLOW_AUDIT_KEY'), source: { kind: 'env' } };
  if (existsSync(options.keyFile)) {
    const text = readFileSync(options.keyFile, 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).join('').trim();
    return { key: decode(text, options.keyFile), source: { kind: 'file', path: options.keyFile, generated: false } };
  }
  const key = randomBytes(32);
  writeSecretFile(options.keyFile, `# MedFlow audit sealing key (HMAC-SHA256). Keep a copy offline, apart from the database: without it the trail cannot be verified.\n${key.toString('base64')}\n`);
  return { key, source: { kind: 'file', path: options.keyFile, generated: true } };
}

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where}: the audit key must be the base64 of 32 bytes (openssl rand -base64 32)`);
  return key;
}
