import { useId, useRef } from 'react';
import { useI18n } from '../i18n/i18n';
import { CodePicker, codeOf } from '../codes/code-picker';

/** The subset of JSON Schema that zod's toJSONSchema produces for node configs. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  /** Japanese label (node SDK `field()`), and its English and Japanese-description companions. */
  title?: string;
  'x-title-en'?: string;
  'x-description-ja'?: string;
  /** `icd10` / `icd11`: a code, entered with the code search picker; `role`: a user role, shown by its name. */
  'x-widget'?: 'icd10' | 'icd11' | 'role';
}

export interface FieldContext {
  /** Problems by config path (`rules.0.value`). */
  errors: Map<string, string>;
  /** Variables a template field can insert (`{{note}}`). */
  variables: string[];
}

const MULTILINE = new Set(['template', 'prompt', 'system', 'systemPrompt', 'instructions', 'default']);

/** An option as people read it: roles by their names (確認医), anything else as written. */
const optionLabel = (schema: JsonSchema, opt: unknown, t: (key: never) => string) => (schema['x-widget'] === 'role' ? t(`role_${String(opt)}` as never) : String(opt));

const humanise = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

function setKey(obj: unknown, key: string, value: unknown): Record<string, unknown> {
  const next = { ...((obj as Record<string, unknown>) ?? {}) };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** A form generated from a JSON Schema object, with inline errors. */
export function SchemaForm({ schema, value, onChange, context, path = '' }: { schema: JsonSchema; value: unknown; onChange: (v: Record<string, unknown>) => void; context: FieldContext; path?: string }) {
  const props = Object.entries(schema.properties ?? {});
  return (
    <div className="schema-form">
      {props.map(([key, field]) => (
        <Field key={key} name={key} schema={field} required={schema.required?.includes(key) ?? false}
          value={(value as Record<string, unknown> | undefined)?.[key]} path={path ? `${path}.${key}` : key} context={context}
          onChange={(v) => onChange(setKey(value, key, v))} />
      ))}
    </div>
  );
}

function Field({ name, schema, value, onChange, required, path, context }: {
  name: string; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void; required: boolean; path: string; context: FieldContext;
}) {
  const id = useId();
  const { t, lang } = useI18n();
  const error = context.errors.get(path);
  const title = (lang === 'ja' ? schema.title : schema['x-title-en']) ?? schema.title ?? humanise(name);
  const hint = lang === 'ja' ? schema['x-description-ja'] ?? schema.description : schema.description;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const label = (
    <label htmlFor={id}>
      {title} {required && <span className="required" title={t('required')}>*</span>}
    </label>
  );
  const footer = (
    <>
      {hint && <div id={`${id}-hint`} className="hint">{hint}</div>}
      {error && <div id={`${id}-error`} className="field-error" role="alert">{error}</div>}
    </>
  );
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy } as const;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;

  if (schema.enum) {
    return (
      <div className="field">{label}
        <select {...common} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          {(value === undefined || !required) && <option value="">{schema.default !== undefined ? `(${String(schema.default)})` : '—'}</option>}
          {schema.enum.map((opt) => <option key={String(opt)} value={String(opt)}>{optionLabel(schema, opt, t)}</option>)}
        </select>{footer}
      </div>
    );
  }
  if (type === 'boolean') {
    const checked = (value ?? schema.default ?? false) as boolean;
    return (
      <div className="field field-inline">
        <input {...common} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />{label}{footer}
      </div>
    );
  }
  if (type === 'number' || type === 'integer') {
    return (
      <div className="field">{label}
        <input {...common} type="number" step={type === 'integer' ? 1 : 'any'} min={schema.minimum} max={schema.maximum}
          placeholder={schema.default !== undefined ? String(schema.default) : ''} value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />{footer}
      </div>
    );
  }
  if (type === 'object' && schema.properties) {
    return (
      <fieldset className="field">
        <legend>{title}</legend>
        <SchemaForm schema={schema} value={value} onChange={onChange} context={context} path={path} />{footer}
      </fieldset>
    );
  }
  if (type === 'array' && schema.items) {
    return <ArrayField name={name} title={title} schema={schema} value={value} onChange={onChange} path={path} context={context} footer={footer} />;
  }
  if (type === 'string' && (MULTILINE.has(name) || (schema.maxLength ?? 0) > 5000)) {
    return <TextAreaField common={common} label={label} footer={footer} value={value} onChange={onChange} schema={schema} variables={name === 'template' || name === 'prompt' ? context.variables : []} />;
  }
  const codeSystem = schema['x-widget'] === 'icd10' || schema['x-widget'] === 'icd11' ? schema['x-widget'] : undefined;
  if (type === 'string' && codeSystem) {
    return (
      <div className="field">{label}
        <CodePicker id={id} name={path} system={codeSystem} value={value === undefined ? '' : String(value)}
          onChange={(v) => onChange(v.trim() === '' ? undefined : codeOf(v))} />{footer}
      </div>
    );
  }
  // Strings, and unions such as a rule's comparison value (kept as text; the node compares numbers numerically).
  return (
    <div className="field">{label}
      <input {...common} type="text" pattern={schema.pattern} placeholder={schema.default !== undefined ? String(schema.default) : ''}
        value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />{footer}
    </div>
  );
}

function TextAreaField({ common, label, footer, value, onChange, schema, variables }: {
  common: Record<string, unknown>; label: React.ReactNode; footer: React.ReactNode; value: unknown; onChange: (v: unknown) => void; schema: JsonSchema; variables: string[];
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLTextAreaElement>(null);
  const insert = (variable: string) => {
    const el = ref.current;
    const text = String(value ?? '');
    const at = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    const token = `{{${variable}}}`;
    onChange(text.slice(0, at) + token + text.slice(end));
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(at + token.length, at + token.length); });
  };
  return (
    <div className="field">{label}
      <textarea ref={ref} {...common} rows={5} placeholder={schema.default !== undefined ? String(schema.default) : ''}
        value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
      {variables.length > 0 && (
        <div className="variables" role="group" aria-label={t('insertVariable')}>
          <span className="muted small">{t('insertVariable')}:</span>
          {variables.map((v) => <button type="button" key={v} className="chip" onClick={() => insert(v)}>{`{{${v}}}`}</button>)}
        </div>
      )}
      {footer}
    </div>
  );
}

function ArrayField({ name, title, schema, value, onChange, path, context, footer }: {
  name: string; title: string; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void; path: string; context: FieldContext; footer: React.ReactNode;
}) {
  const { t } = useI18n();
  const items = schema.items!;
  const list = Array.isArray(value) ? value : Array.isArray(schema.default) ? schema.default : [];
  if (items.enum) {
    return (
      <fieldset className="field"><legend>{title}</legend>
        {items.enum.map((opt) => (
          <label key={String(opt)} className="field-inline">
            <input type="checkbox" checked={list.includes(opt)} onChange={(e) => onChange(e.target.checked ? [...list, opt] : list.filter((x) => x !== opt))} /> {optionLabel(items, opt, t)}
          </label>
        ))}{footer}
      </fieldset>
    );
  }
  const emptyItem = items.type === 'object' ? {} : items.type === 'number' || items.type === 'integer' ? 0 : '';
  return (
    <fieldset className="field"><legend>{title}</legend>
      {list.map((item, i) => (
        <div key={i} className="array-item">
          {items.type === 'object'
            ? <SchemaForm schema={items} value={item} context={context} path={`${path}.${i}`} onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))} />
            : <Field name={`${name} ${i + 1}`} schema={items} required value={item} path={`${path}.${i}`} context={context} onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))} />}
          <button type="button" className="link danger" onClick={() => onChange(list.filter((_, j) => j !== i))}>{t('remove')}</button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...list, emptyItem])}>+ {t('add')}</button>
      {footer}
    </fieldset>
  );
}
