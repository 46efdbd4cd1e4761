import type { AnyNodeDefinition } from '@medflow/sdk';
import condition from './condition/index.js';
import delay from './delay/index.js';
import fileInput from './file-input/index.js';
import jsonOutput from './json-output/index.js';
import merge from './merge/index.js';
import normalizeText from './normalize-text/index.js';
import switchNode from './switch/index.js';
import template from './template/index.js';
import textInput from './text-input/index.js';

export { condition, delay, fileInput, jsonOutput, merge, normalizeText, switchNode, template, textInput };
export { parseTemplate, renderTemplate, templateVariables, TemplateSyntaxError } from './template/render.js';

/** Every built-in node, for registering in one call. */
export const builtinNodes: AnyNodeDefinition[] = [textInput, fileInput, normalizeText, template, condition, switchNode, merge, delay, jsonOutput] as unknown as AnyNodeDefinition[];
