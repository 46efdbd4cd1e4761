import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 TOTP (SHA-1, 6 digits, 30 s), the variant every authenticator app supports, computed by the maintained
 * `otpauth` library. What stays ours is the policy around it: full-width digits accepted, ±1 step of drift, and a
 * step at or before the last one used refused (replay).
 */
const STEP_SECONDS = 30;
const DIGITS = 6;
const ISSUER = 'MedFlow';

const totpFor = (secret: string, account = '') => new TOTP({ issuer: ISSUER, label: account, algorithm: 'SHA1', digits: DIGITS, period: STEP_SECONDS, secret: Secret.fromBase32(secret) });

/** Base32 of raw secret bytes (RFC 4648, no padding), the form authenticator apps take. */
export const base32Encode = (bytes: Uint8Array): string => new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;

export const generateTotpSecret = (): string => new Secret({ size: 20 }).base32;

export const currentStep = (now = Date.now()) => Math.floor(now / 1000 / STEP_SECONDS);

export const totpAt = (secret: string, step: number): string => totpFor(secret).generate({ timestamp: step * STEP_SECONDS * 1000 });
export const totpNow = (secret: string, now = Date.now()) => totpAt(secret, currentStep(now));

/**
 * The step the code belongs to (±1 step of clock drift), or undefined. A step at or before
 * `lastUsedStep` is refused, so an observed code cannot be replayed.
 */
export function verifyTotp(secret: string, code: string, lastUsedStep = -1, now = Date.now()): number | undefined {
  const digits = code.normalize('NFKC').replace(/\s/g, '');
  if (!/^\d{6}$/.test(digits)) return undefined;
  const totp = totpFor(secret);
  const step = currentStep(now);
  // The current step first, then the neighbours, skipping any already used: a replay of the code just accepted fails
  // even when the same code would also match a later step.
  for (const candidate of [step, step - 1, step + 1]) {
    if (candidate <= lastUsedStep) continue;
    if (totp.validate({ token: digits, timestamp: candidate * STEP_SECONDS * 1000, window: 0 }) === 0) return candidate;
  }
  return undefined;
}

export const otpauthUrl = (secret: string, account: string) => totpFor(secret, account).toString();
