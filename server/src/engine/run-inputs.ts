import { ErrorCodes, FileRefSchema, MedflowError, type RunInputDescriptor } from '@medflow/sdk';
import type { Problem } from './problems.js';

/**
 * Checks the values given to start a run against what the workflow's input nodes declare: every
 * required input present, nothing unknown (a typo would otherwise silently leave an input empty),
 * texts are strings, files are stored file references.
 */
export function checkRunInputs(descriptors: RunInputDescriptor[], given: Record<string, unknown>): void {
  const problems: Problem[] = [];
  const byName = new Map(descriptors.map((d) => [d.name, d]));
  for (const d of descriptors) {
    const value = given[d.name];
    if (value === undefined || value === null || value === '') {
      if (d.required) problems.push({ code: ErrorCodes.INPUT_MISSING, path: `inputs.${d.name}`, message: `input "${d.name}" is required` });
      continue;
    }
    if (d.kind === 'text' && typeof value !== 'string') problems.push({ code: 'INPUT_TYPE', path: `inputs.${d.name}`, message: `input "${d.name}" must be text` });
    if (d.kind === 'file' && !FileRefSchema.safeParse(value).success) problems.push({ code: 'INPUT_TYPE', path: `inputs.${d.name}`, message: `input "${d.name}" must be an uploaded file` });
  }
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) problems.push({ code: 'INPUT_UNKNOWN', path: `inputs.${name}`, message: `workflow has no input "${name}" (inputs: ${descriptors.map((d) => d.name).join(', ') || 'none'})` });
  }
  if (problems.length) {
    throw new MedflowError({ code: ErrorCodes.VALIDATION_FAILED, category: 'USER', message: problems.map((p) => p.message).join('; '), details: { problems } });
  }
}
