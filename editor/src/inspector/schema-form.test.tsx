// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n/i18n';
import { SchemaForm, type JsonSchema } from './schema-form';

afterEach(cleanup);

const schema: JsonSchema = {
  type: 'object',
  required: ['template', 'rules'],
  properties: {
    template: { type: 'string', title: 'テンプレート本文', 'x-title-en': 'Template', description: 'Text with variables', 'x-description-ja': '{{変数}} を差し込めます' },
    onMissing: { type: 'string', enum: ['error', 'empty'], default: 'error', title: '値がない変数' },
    maxLength: { type: 'integer', minimum: 1, default: 1000 },
    strict: { type: 'boolean', default: true, title: '厳密' },
    accept: { type: 'array', items: { type: 'string', enum: ['image', 'pdf'] }, default: ['image', 'pdf'], title: '種類' },
    rules: { type: 'array', title: '条件', items: { type: 'object', required: ['operator'], properties: { operator: { type: 'string', enum: ['equals', 'contains'], title: '比較' }, value: { anyOf: [{ type: 'string' }, { type: 'number' }], title: '値' } } } },
  },
};

function Harness({ initial, errors = new Map(), lang = 'ja', onValue }: { initial: Record<string, unknown>; errors?: Map<string, string>; lang?: 'ja' | 'en'; onValue?: (v: unknown) => void }) {
  const [value, setValue] = useState<Record<string, unknown>>(initial);
  return (
    <I18nProvider initial={lang}>
      <SchemaForm schema={schema} value={value} context={{ errors, variables: ['note', 'input'] }} onChange={(v) => { setValue(v); onValue?.(v); }} />
    </I18nProvider>
  );
}

describe('SchemaForm', () => {
  it('renders a labelled control per field type, in Japanese, with the Japanese hint', () => {
    render(<Harness initial={{}} />);
    expect(screen.getByLabelText(/テンプレート本文/).tagName).toBe('TEXTAREA');
    expect(screen.getByText('{{変数}} を差し込めます')).toBeTruthy();
    expect(screen.getByLabelText(/値がない変数/).tagName).toBe('SELECT');
    expect((screen.getByLabelText(/Max Length/) as HTMLInputElement).type).toBe('number');
    expect((screen.getByLabelText(/厳密/) as HTMLInputElement).checked).toBe(true);
    expect(screen.getAllByRole('checkbox').length).toBe(3);
  });

  it('uses the English titles in English', () => {
    render(<Harness initial={{}} lang="en" />);
    expect(screen.getByLabelText(/^Template/)).toBeTruthy();
  });

  it('reports typed values, drops emptied optional fields, and edits arrays of objects', () => {
    let last: Record<string, unknown> = {};
    render(<Harness initial={{ maxLength: 5 }} onValue={(v) => { last = v as Record<string, unknown>; }} />);
    fireEvent.change(screen.getByLabelText(/Max Length/), { target: { value: '42' } });
    expect(last.maxLength).toBe(42);
    fireEvent.change(screen.getByLabelText(/Max Length/), { target: { value: '' } });
    expect('maxLength' in last).toBe(false);
    fireEvent.click(screen.getByLabelText('pdf'));
    expect(last.accept).toEqual(['image']);
    fireEvent.click(screen.getByRole('button', { name: /追加/ }));
    fireEvent.change(screen.getByLabelText(/比較/), { target: { value: 'contains' } });
    fireEvent.change(screen.getByLabelText(/^値\s*$/), { target: { value: '発熱' } });
    expect(last.rules).toEqual([{ operator: 'contains', value: '発熱' }]);
  });

  it('inserts upstream variables at the cursor of a template field', () => {
    render(<Harness initial={{ template: '主訴: ' }} />);
    const area = screen.getByLabelText(/テンプレート本文/) as HTMLTextAreaElement;
    area.setSelectionRange(4, 4);
    fireEvent.click(screen.getByRole('button', { name: '{{note}}' }));
    expect(area.value).toBe('主訴: {{note}}');
  });

  it('shows server problems on the field they concern, marked invalid', () => {
    render(<Harness initial={{}} errors={new Map([['template', '"{{" at position 0 is never closed'], ['rules', 'Too small']])} />);
    const area = screen.getByLabelText(/テンプレート本文/);
    expect(area.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('"{{" at position 0 is never closed').getAttribute('role')).toBe('alert');
    expect(screen.getByText('Too small')).toBeTruthy();
  });

  it('names roles as the ユーザー page does (確認医, not reviewer), and stores the key', () => {
    const roles: JsonSchema = { type: 'object', properties: { reviewerRoles: { type: 'array', title: '確認できる役割', default: ['reviewer'], items: { type: 'string', enum: ['admin', 'reviewer'], 'x-widget': 'role' } } } };
    let last: unknown;
    render(<I18nProvider initial="ja"><SchemaForm schema={roles} value={{}} context={{ errors: new Map(), variables: [] }} onChange={(v) => { last = v; }} /></I18nProvider>);
    expect(screen.getByLabelText('確認医')).toBeTruthy();
    expect(screen.queryByText('reviewer')).toBeNull();
    fireEvent.click(screen.getByLabelText('管理者'));
    expect(last).toEqual({ reviewerRoles: ['reviewer', 'admin'] });
  });
});
