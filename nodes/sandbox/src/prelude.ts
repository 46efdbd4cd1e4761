/**
 * Trusted code run first in every sandbox context, before any package code. It receives three host
 * callbacks (functions whose arguments and results are copied; the guest never gets a reference to a
 * host object, so `.constructor` walks stay inside the isolate) and returns `settle`, which the host
 * calls to finish an asynchronous host call.
 *
 * It also removes what a V8 context has beyond ECMAScript that could slip past the limits:
 * WebAssembly (memory outside the heap limit), SharedArrayBuffer and Atomics (blocking waits).
 */
export const PRELUDE_SOURCE = String.raw`(function (start, callSync, notify) {
  'use strict';
  const pending = new Map();
  let nextId = 1;
  const stringify = JSON.stringify;
  const ErrorCtor = Error;
  function toText(value) { try { return typeof value === 'string' ? value : String(value); } catch (e) { return '[unprintable]'; } }
  function hostError(json) {
    let info;
    try { info = JSON.parse(json); } catch (e) { info = { code: 'SANDBOX_PROTOCOL', category: 'SYSTEM', message: 'host call failed' }; }
    const error = new ErrorCtor(toText(info.message));
    error.name = 'MedflowError';
    error.code = toText(info.code);
    error.category = info.category;
    error.details = info.details || {};
    error.retryable = info.retryable === true;
    error.toJSON = function () { return { code: error.code, category: error.category, message: error.message, details: error.details, retryable: error.retryable }; };
    return error;
  }
  const host = Object.freeze({
    call(method, argsJson, bytes) {
      return new Promise(function (resolve, reject) {
        const id = nextId++;
        pending.set(id, { resolve: resolve, reject: reject });
        start(id, toText(method), toText(argsJson), bytes instanceof ArrayBuffer ? bytes : undefined);
      });
    },
    callSync(method, argsJson) {
      // '1' + JSON on success, '0' + error JSON on failure: a string is all a sync callback returns.
      const answer = toText(callSync(toText(method), toText(argsJson)));
      if (answer.charAt(0) === '1') return answer.slice(1);
      throw hostError(answer.slice(1));
    },
    notify(kind, payload) { notify(toText(kind), toText(payload)); },
  });
  Object.defineProperty(globalThis, '__medflowHost', { value: host, writable: false, enumerable: false, configurable: false });
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics']) delete globalThis[name];
  const log = function (level) {
    return function () {
      const parts = [];
      for (let i = 0; i < arguments.length; i++) parts.push(toText(arguments[i]));
      notify('log', stringify({ level: level, message: parts.join(' '), data: {} }));
    };
  };
  globalThis.console = Object.freeze({ log: log('debug'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') });
  return function settle(id, ok, json, bytes) {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    if (ok) entry.resolve({ json: json, bytes: bytes ? new Uint8Array(bytes) : undefined });
    else entry.reject(hostError(json));
  };
})`;
