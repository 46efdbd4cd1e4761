import { z } from 'zod';
import { FileRefSchema, type FileRef } from './files.js';
import { t, type LocalizedText } from './i18n.js';

/**
 * A typed connection kind. A value of a kind may flow into a port of the same kind, of one of its
 * ancestors (`image` → `file`), or of kind `any`.
 *
 * @example
 * const IcdCodes = definePortKind({
 *   name: 'icd-codes', parent: PortKinds.json, title: t('ICDコード', 'ICD codes'),
 *   schema: z.array(z.object({ code: z.string(), confidence: z.number() })),
 * });
 */
export interface PortKind<T = unknown> {
  readonly name: string;
  readonly title: LocalizedText;
  readonly parent?: PortKind;
  readonly schema: z.ZodType<T>;
}

export function definePortKind<T>(kind: PortKind<T>): PortKind<T> {
  if (!/^[a-z][a-z0-9-]*$/.test(kind.name)) throw new Error(`port kind name must be kebab-case: ${kind.name}`);
  return Object.freeze(kind);
}

const any = definePortKind<unknown>({ name: 'any', title: t('任意', 'Any'), schema: z.unknown() });
const json = definePortKind<unknown>({ name: 'json', title: t('構造化データ', 'Structured data'), parent: any, schema: z.unknown() });
const text = definePortKind<string>({ name: 'text', title: t('テキスト', 'Text'), parent: any, schema: z.string() });
const number = definePortKind<number>({ name: 'number', title: t('数値', 'Number'), parent: json, schema: z.number() });
const boolean = definePortKind<boolean>({ name: 'boolean', title: t('真偽値', 'Boolean'), parent: json, schema: z.boolean() });
const file = definePortKind<FileRef>({ name: 'file', title: t('ファイル', 'File'), parent: any, schema: FileRefSchema });
const image = definePortKind<FileRef>({ name: 'image', title: t('画像', 'Image'), parent: file, schema: FileRefSchema });
const audio = definePortKind<FileRef>({ name: 'audio', title: t('音声', 'Audio'), parent: file, schema: FileRefSchema });
const pdf = definePortKind<FileRef>({ name: 'pdf', title: t('PDF', 'PDF'), parent: file, schema: FileRefSchema });

/** The kinds every installation knows. Domain kinds (ICD codes, extractions…) extend these. */
export const PortKinds = { any, json, text, number, boolean, file, image, audio, pdf } as const;

/**
 * Whether a value produced on a port of kind `from` may be delivered to a port of kind `to`.
 *
 * @example
 * canConnect(PortKinds.image, PortKinds.file) // true
 * canConnect(PortKinds.file, PortKinds.image) // false: not every file is an image
 */
export function canConnect(from: PortKind, to: PortKind): boolean {
  if (to.name === 'any') return true;
  for (let k: PortKind | undefined = from; k; k = k.parent) if (k.name === to.name) return true;
  return false;
}

/** Names of a kind and its ancestors, nearest first: what a port of this kind can feed. */
export function kindLineage(kind: PortKind): string[] {
  const names: string[] = [];
  for (let k: PortKind | undefined = kind; k; k = k.parent) names.push(k.name);
  return names;
}

export interface PortSpec<T = unknown> {
  readonly kind: PortKind<T>;
  readonly title?: LocalizedText;
  readonly description?: LocalizedText;
  /** An input that may stay unconnected, or whose upstream branch may be skipped. */
  readonly optional?: boolean;
  /** An input that accepts several edges; the node receives every live value (a join). */
  readonly multiple?: boolean;
}

/**
 * Declares a port.
 *
 * @example
 * inputs: { note: port(PortKinds.text, { title: t('診療記録', 'Clinical note') }) }
 */
export function port<T, const O extends Omit<PortSpec<T>, 'kind'> = {}>(kind: PortKind<T>, options?: O): PortSpec<T> & O {
  return { kind, ...options } as PortSpec<T> & O;
}

/** One value arriving on a `multiple` input, with the output it came from. */
export interface Incoming<T = unknown> {
  from: { node: string; port: string };
  value: T;
}
