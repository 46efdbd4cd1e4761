/**
 * Why user code is not the body of an async function, or undefined when it is. The code is parsed the way the
 * Function constructor parses a body — on its own — so code that closes the function it is wrapped in
 * (`return 1; }); globalThis.x = 1; (function () {`) is refused, as concatenating it into a wrapper would not.
 * Only compiled, never called: nothing of it runs where this is checked.
 */
export function functionBodyProblem(source: string): string | undefined {
  const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => unknown;
  try {
    new AsyncFunction('input', source);
    return undefined;
  } catch (e) {
    return e instanceof SyntaxError ? e.message : undefined;
  }
}
