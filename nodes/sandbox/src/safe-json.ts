/** Keys that would reach an object's prototype if a later `Object.assign` or merge copied them. */
const POISON = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses JSON that came out of a sandbox. `JSON.parse` itself never touches prototypes, but host code
 * that later merges the value (`Object.assign`, spread into a config) could; such keys are dropped here.
 */
export function parseUntrustedJson(text: string): unknown {
  return JSON.parse(text, function reviver(key, value) {
    return POISON.has(key) ? undefined : value;
  });
}
