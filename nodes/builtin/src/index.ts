import type { AnyNodeDefinition } from '@medflow/sdk';
import code from './code/index.js';
import condition from './condition/index.js';
import delay from './delay/index.js';
import extract from './extract/index.js';
import fileInput from './file-input/index.js';
import httpRequest from './http-request/index.js';
import icdCoder from './icd-coder/index.js';
import jsonOutput from './json-output/index.js';
import llm from './llm/index.js';
import merge from './merge/index.js';
import normalizeText from './normalize-text/index.js';
import notifiableDisease from './notifiable-disease/index.js';
import notificationForm from './notification-form/index.js';
import ocr from './ocr/index.js';
import phiRedact from './phi-redact/index.js';
import review from './review/index.js';
import switchNode from './switch/index.js';
import template from './template/index.js';
import textInput from './text-input/index.js';
import transcribe from './transcribe/index.js';

export { notifiableDisease, notificationForm, code, condition, delay, extract, fileInput, httpRequest, icdCoder, phiRedact, jsonOutput, llm, merge, normalizeText, ocr, review, switchNode, template, textInput, transcribe };
export { ReviewDecisionSchema, type ReviewDecision } from './review/index.js';
export { draftFields, reviewSources, type ReviewField, type ReviewSource } from './review/review-data.js';
export type { CodedDiagnosis } from './icd-coder/index.js';
export { detectPhi, PHI_TYPES, type PhiSpan, type PhiType } from './phi-redact/detectors.js';
export { locateQuote } from './extract/locate.js';
export { parseTemplate, renderTemplate, templateVariables, TemplateSyntaxError } from './template/render.js';

/** Every built-in node, for registering in one call. */
export const builtinNodes: AnyNodeDefinition[] = [textInput, fileInput, normalizeText, template, llm, extract, transcribe, ocr, condition, switchNode, merge, delay, jsonOutput, httpRequest, review, icdCoder, phiRedact, code, notifiableDisease, notificationForm] as unknown as AnyNodeDefinition[];
