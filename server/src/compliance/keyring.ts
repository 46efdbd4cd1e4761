import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface DataKey { id: string; key: Buffer }

/** An encrypted value as stored: AES-256-GCM, the tag appended to the ciphertext, bound to where it is stored (AAD). */
export interface Sealed { $enc: 'aes-256-gcm'; kid: string; iv: string; data: string }

export const isSealed = (v: unknown): v is Sealed => typeof v === 'object' && v !== null && (v as Sealed).$enc === 'aes-256-gcm';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Random IVs drawn from a pooled CSPRNG buffer: one getrandom call per 1024 seals instead of one each. */
let ivPool = Buffer.alloc(0);
let ivOffset = 0;
function nextIv(): Buffer {
  if (ivOffset + 12 > ivPool.length) { ivPool = randomBytes(12 * 1024); ivOffset = 0; }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + 12));
  ivOffset += 12;
  return iv;
}

/**
 * Data keys, the first one active: new data is sealed with it, older keys still open what they sealed.
 * Rotation adds a key in front; re-encryption moves old data to it, after which old keys may be removed.
 */
export class Keyring {
  private readonly byId: Map<string, Buffer>;

  constructor(readonly keys: DataKey[], readonly source: { kind: 'env' } | { kind: 'file'; path: string; generated: boolean }) {
    if (!keys.length) throw new Error('no encryption key');
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw new Error(`encryption key id "${k.id}" must be 1–32 of A–Z a–z 0–9 _ -`);
      if (k.key.length !== 32) throw new Error(`encryption key "${k.id}" must be 32 bytes (base64 of 32 random bytes)`);
    }
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get activeId(): string { return this.keys[0]!.id; }

  seal(plaintext: Buffer, aad: string): Sealed {
    const iv = nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { $enc: 'aes-256-gcm', kid: this.activeId, iv: iv.toString('base64'), data: data.toString('base64') };
  }

  open(sealed: Sealed, aad: string): Buffer {
    const key = this.byId.get(sealed.kid);
    if (!key) throw new Error(`data was encrypted with key "${sealed.kid}", which is not configured (MEDFLOW_ENCRYPTION_KEYS / key file)`);
    const data = Buffer.from(sealed.data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  }

  /** A keyring with a new random key in front; written back to the key file when keys come from one. */
  rotate(): Keyring {
    const id = `k${Date.now().toString(36)}`;
    const next = new Keyring([{ id, key: randomBytes(32) }, ...this.keys], this.source);
    if (this.source.kind === 'file') writeKeyFile(this.source.path, next.keys);
    return next;
  }
}

export function parseKeys(text: string): DataKey[] {
  const entries = text.split('\n').filter((line) => !line.trim().startsWith('#')).flatMap((line) => line.split(','));
  return entries.map((s) => s.trim()).filter(Boolean).map((entry) => {
    const at = entry.indexOf(':');
    if (at < 1) throw new Error('encryption keys are "id:base64key" entries, separated by commas or lines');
    return { id: entry.slice(0, at), key: Buffer.from(entry.slice(at + 1), 'base64') };
  });
}

/** Writes a key file readable by the server's user only (0600, also when the file existed with wider rights). */
export function writeSecretFile(path: string, body: string): void {
  writeFileSync(path, body, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function writeKeyFile(path: string, keys: DataKey[]): void {
  writeSecretFile(path, `# MedFlow data keys (AES-256). First = active. Keep a copy offline: without it, encrypted run data cannot be read.\n${keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join('\n')}\n`);
}

/**
 * Keys from MEDFLOW_ENCRYPTION_KEYS, else from the key file (generated on first start, mode 0600).
 * A generated file next to the data protects backups and stolen disks only if it is moved elsewhere;
 * the server logs that.
 */
export function loadKeyring(options: { envKeys?: string; keyFile: string }): Keyring {
  if (options.envKeys) return new Keyring(parseKeys(options.envKeys), { kind: 'env' });
  if (existsSync(options.keyFile)) return new Keyring(parseKeys(readFileSync(options.keyFile, 'utf8')), { kind: 'file', path: options.keyFile, generated: false });
  const keys = [{ id: 'k1', key: randomBytes(32) }];
  writeKeyFile(options.keyFile, keys);
  return new Keyring(keys, { kind: 'file', path: options.keyFile, generated: true });
}
