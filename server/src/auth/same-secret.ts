import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a given secret (a CSRF token, the setup code, a stored seal) equals the expected one, in constant time.
 * Compared as UTF-8 bytes: equal character counts can still differ in bytes, which `timingSafeEqual` would throw on.
 */
export function sameSecret(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected), b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
