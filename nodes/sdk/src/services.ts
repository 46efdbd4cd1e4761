/**
 * Local AI services the server hands to nodes through `ctx.services`. Nodes never load models or start
 * processes themselves: the server decides where models live, what stays loaded and who waits for the GPU.
 */

export interface ProgressSink {
  (fraction: number | null, note?: string): void;
}

export interface LlmGenerateRequest {
  /** Model file name in the models directory, e.g. `qwen2.5-7b-instruct-q4_k_m.gguf`. */
  model: string;
  prompt: string;
  system?: string;
  temperature?: number;
  maxTokens?: number;
  /** When set, output is constrained by a grammar built from this JSON Schema, so it always parses. */
  jsonSchema?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Streamed text, for progress displays. */
  onText?: (chunk: string) => void;
  onProgress?: ProgressSink;
}

export interface LlmGenerateResult {
  text: string;
  /** Parsed output when `jsonSchema` was given. */
  json?: unknown;
  model: string;
  tokens: { prompt: number; generated: number };
  timings: { firstTokenMs: number; totalMs: number };
  device: 'gpu' | 'cpu';
  stopReason: 'eos' | 'maxTokens' | 'aborted';
}

/**
 * @example
 * const r = await ctx.services.llm.generate({ model: ctx.config.model, prompt, signal: ctx.signal });
 */
export interface LlmService {
  generate(request: LlmGenerateRequest): Promise<LlmGenerateResult>;
}

export interface TranscriptionSegment { start: number; end: number; text: string }

export interface TranscriptionRequest {
  model: string;
  audio: Uint8Array;
  /** `ja`, `en` or `auto`. */
  language: string;
  prompt?: string;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
}

export interface TranscriptionResult {
  text: string;
  language: string;
  /** Seconds from the start of the recording. */
  segments: TranscriptionSegment[];
  durationSeconds: number;
  model: string;
}

export interface TranscriptionService {
  transcribe(request: TranscriptionRequest): Promise<TranscriptionResult>;
}

export interface OcrLine {
  text: string;
  confidence: number;
  /** Pixels in the page image: left, top, width, height. */
  box: { x: number; y: number; width: number; height: number };
}

export interface OcrPage {
  page: number;
  text: string;
  width: number;
  height: number;
  meanConfidence: number;
  lines: OcrLine[];
}

export interface OcrRequest {
  file: Uint8Array;
  mediaType: string;
  /** Tesseract languages, e.g. ['jpn', 'eng'] or ['jpn_vert']. */
  languages: string[];
  /** Page segmentation: `auto`, `block`, `vertical` (縦書き), `line`. */
  layout: 'auto' | 'block' | 'vertical' | 'line';
  dpi?: number;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
}

export interface OcrResult {
  text: string;
  pages: OcrPage[];
}

export interface OcrService {
  recognize(request: OcrRequest): Promise<OcrResult>;
}

/** Where an AI-made value came from: shown beside every draft value for review. */
export interface Provenance {
  nodeId: string;
  nodeType: string;
  model?: string;
  /** Character offsets into the source text, when the value rests on one. */
  evidence?: { start: number; end: number; text: string } | null;
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Larger responses fail the request instead of filling memory. */
  maxResponseBytes?: number;
}

export interface HttpResponse { status: number; headers: Record<string, string>; body: string }

/**
 * Host-checked HTTP: only hosts the administrator allowed, never loopback, link-local or cloud
 * metadata addresses reached through a name, no redirects followed, bounded size and time.
 */
export interface HttpService {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export type CodeSystem = 'icd10' | 'icd11';

export interface CodeEntry {
  system: CodeSystem;
  code: string;
  title: { ja: string; en: string };
  /** The same condition in the other system (ICD-10 → ICD-11 or back); empty where the table has no mapping. */
  mapped: string[];
  /** ICD-10 external causes W00–Y34: the 4th character is the place of occurrence. */
  externalCause?: boolean;
  /** The enclosing category, block or chapter (`J18` for `J18.9`; `J09-J18` for `J18`). */
  parent?: string;
  /** ICD-11 residual category (other specified `.Y`, unspecified `.Z`): a physician may find a more exact code. */
  residual?: boolean;
  /**
   * How the other system's code was found: WHO gives one target (`one`), several candidates that a
   * physician chooses between (`many`; `mapped` lists them, WHO's one-category choice first), or none.
   */
  mapping?: 'one' | 'many' | 'none';
  /** WHO's postcoordinated target where the mapping is a cluster (`1A00&XN8P1`); `mapped` holds its stem. */
  cluster?: string;
}

/** How a code maps to the other system, from its targets: several is a choice for the physician. */
export const mappingKind = (mapped: readonly string[]): NonNullable<CodeEntry['mapping']> => (mapped.length > 1 ? 'many' : mapped.length ? 'one' : 'none');

/** A diagnosis expression found in text by the code tables' dictionary. */
export interface CodeMention {
  /** Offsets into the text given (UTF-16, as JavaScript strings). */
  start: number;
  end: number;
  text: string;
  /** The dictionary expression that matched, e.g. `AMI` or `急性心筋梗塞`. */
  term: string;
  /** `ja` Japanese (normalised), `en` English word, `abbr` case-sensitive abbreviation, `title` an official title. */
  kind: 'ja' | 'en' | 'abbr' | 'title';
  /** ICD-10 codes the expression stands for, most usual first (several for ambiguous abbreviations). */
  icd10: string[];
  /** The codes apply together (「大腸癌肝転移」 → C18.9 and C78.7) rather than as alternatives. */
  combined?: boolean;
  /**
   * The longer word this mention sits in when the dictionary does not know that word (「右肺巨大気腫」
   * around 「気腫」): the codes are those of the known part, less sure.
   */
  partOf?: string;
  /** The codes come from a dictionary expression composed of the site written before the term and the term's head: [site, term, expression]. */
  composedFrom?: [string, string, string];
  /** Which dictionary the expression came from: the team's synonyms, MEDIS 標準病名 or its index terms, an official title, 万病辞書. */
  source?: 'synonym' | 'medis' | 'medis-index' | 'title' | 'manbyo';
}

/**
 * ICD-10 / ICD-11 code tables with a physician's dictionary. Lookup accepts codes as written
 * (`j189`, `Ｊ１８．９`); search and mentions use Japanese normalisation (width, kana, okurigana).
 */
export interface MedicalCodesService {
  lookup(system: CodeSystem, code: string): CodeEntry | undefined;
  search(system: CodeSystem, query: string, limit?: number): CodeEntry[];
  findMentions(text: string): CodeMention[];
  /** Where the tables came from, shown beside results so a reviewer knows what was consulted. */
  info(): CodeTablesInfo;
  /** The chain of parents up to the chapter, nearest first (for showing where a code sits). */
  ancestors?(system: CodeSystem, code: string): CodeEntry[];
}

export interface CodeTablesInfo {
  source: string;
  /** `complete`: WHO/MHLW/MEDIS tables from a directory; `subset`: the team-written development subset. */
  kind: 'complete' | 'subset';
  icd10: number;
  icd11: number;
  /** Expressions in the matching dictionary (all sources together). */
  synonyms: number;
  /** Each table file read, with its rows and the version it states. */
  tables?: Array<{ file: string; rows: number; version?: string }>;
}

/**
 * Keeps the table that undoes a redaction (token → original words), encrypted at rest and readable
 * only through an audited re-identification by someone allowed to see the run.
 */
export interface PhiVaultService {
  keep(request: { runId: string; nodeId: string; entries: Array<{ token: string; type: string; value: string }> }): Promise<{ vaultId: string }>;
}

export interface CodeRunRequest {
  /** The body of `async function (input) { … }`, as the user wrote it. */
  source: string;
  input: unknown;
  /** CPU time the code may use; the server caps it. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Receives the code's console output. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Runs JavaScript a user wrote in the editor, in the same isolated-vm sandbox as third-party nodes:
 * no Node.js, no files, no network, bounded memory and time, a fresh context per run.
 */
export interface CodeRunnerService {
  run(request: CodeRunRequest): Promise<unknown>;
}

/** A disease physicians must notify under the Infectious Diseases Control Law (全数把握). */
export interface NotifiableDisease {
  id: string;
  /** The name as the law writes it, e.g. 腸管出血性大腸菌感染症. */
  name: string;
  /** 1〜5 (五類 here means 五類全数); 6 新型インフルエンザ等感染症, 7 指定感染症, 8 新感染症. */
  category: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
  /** 直ちに (immediately) or 7日以内 (within 7 days of diagnosis). */
  deadline: 'immediately' | 'within7days';
  /** Whether the notification names the patient (氏名・住所…): 一〜四類, and 麻しん・風しん・侵襲性髄膜炎菌感染症. */
  identityRequired: boolean;
  /** Whether 疑似症患者 are notified too (一類・二類). */
  suspectedReportable: boolean;
  /** ICD-10 code of the disease; empty where it has none (新感染症). */
  icd10: string;
  /** Key of the disease-specific field set, when the form has one. */
  form?: string;
  /** The 類型 the law allows for this disease (EHEC has no 疑似症; 急性脳炎 only 患者 and 死体). */
  types: NotificationType[];
  /** Notified only for inpatients (水痘（入院例に限る）). */
  admissionRequired?: boolean;
}

export type NotificationType = '患者（確定例）' | '無症状病原体保有者' | '疑似症患者' | '感染症死亡者の死体' | '感染症死亡疑い者の死体';

/** A field of the notification form, in the form the ai/extract node takes. */
export interface NotificationFieldSpec {
  name: string;
  label: string;
  description: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'enum';
  options?: string[];
  required: boolean;
  /** Where the item goes in the electronic notification (FHIR QuestionnaireResponse): a symptom code of `system`, a diagnosis-method code. */
  fhir?: { symptom?: string; system?: string; dxsource?: string };
}

/** A disease name found in text: notifiable (`diseaseId`) or one that is not notified individually (定点). */
export interface NotifiableMention {
  start: number;
  end: number;
  text: string;
  diseaseId?: string;
  notNotifiable?: { name: string; note: string };
  /**
   * An organism or test finding that establishes the disease (「血液培養から肺炎球菌」): `sterile` counts only from a
   * normally sterile site, `detected` from any detection. The node checks the sentence for both.
   */
  organism?: { rule: 'sterile' | 'detected'; note: string };
}

/**
 * The notifiable-disease list and the notification form's fields, kept as data with their sources
 * (nodes/data/notifiable), so a change of the law is a data change.
 */
export interface NotifiableDiseaseService {
  diseases(): NotifiableDisease[];
  find(text: string): NotifiableMention[];
  fields(): { common: NotificationFieldSpec[]; identity: NotificationFieldSpec[]; specific: Record<string, NotificationFieldSpec[]> };
  /** Where the list comes from and when it was transcribed. */
  source(): string;
}
