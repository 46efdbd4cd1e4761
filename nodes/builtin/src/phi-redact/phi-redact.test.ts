import { describe, expect, it } from 'vitest';
import { runNode, vault } from '../testing/run-node.js';
import { validMyNumber } from './detectors.js';
import redact, { type RedactedSpan } from './index.js';

type Out = { text: string; spans: { spans: RedactedSpan[]; counts: Record<string, number>; vaultId?: string } };
const run = async (text: string, config: Record<string, unknown> = {}) => (await runNode(redact, config, { text })) as Out;
const typesOf = (text: string, out: Out) => out.spans.spans.map((s) => [text.slice(s.start, s.end), s.type]);

describe('PHI redaction', () => {
  it('masks identifiers in a Japanese note, full- and half-width, keeping the clinical words', async () => {
    const text = '患者氏名：山田 太郎 様（９２歳）　生年月日：昭和７年３月５日\n住所：〒１６０－００２３ 東京都新宿区西新宿２－８－１\nTEL ０３ー１２３４ー５６７８／携帯 090-1234-5678\n保険者番号 06139999 記号 ５２３・番号 ４１７\nカルテ番号：00123456　さくら総合病院 5階東病棟 入院中。\nHT、DMにて近医通院中。';
    const out = await run(text);
    expect(typesOf(text, out)).toEqual([
      ['山田 太郎', 'name'], ['９２歳', 'age'], ['昭和７年３月５日', 'birthdate'],
      ['〒１６０－００２３', 'postal'], ['東京都新宿区西新宿２－８－１', 'address'],
      ['０３ー１２３４ー５６７８', 'phone'], ['090-1234-5678', 'phone'],
      ['06139999', 'insurance'], ['５２３', 'insurance'], ['４１７', 'insurance'],
      ['00123456', 'patient_id'], ['さくら総合病院', 'facility'], ['5階東病棟', 'facility'],
    ]);
    expect(out.text).toContain('HT、DMにて近医通院中。');
    expect(out.text).toMatch(/^患者氏名：⟨氏名1⟩ 様（⟨年齢1⟩）/);
    // The originals are only in the re-identification table.
    expect(JSON.stringify(out.spans)).not.toContain('山田');
    expect(vault.get(out.spans.vaultId!)).toContainEqual({ token: '⟨氏名1⟩', type: 'name', value: '山田 太郎' });
  });

  it('checks My Number by its check digit unless the note says what it is', async () => {
    expect(validMyNumber('123456789018')).toBe(true);
    expect(validMyNumber('123456789012')).toBe(false);
    expect((await run('番号 1234 5678 9018 を確認')).spans.counts).toEqual({ mynumber: 1 });
    expect((await run('検体番号 123456789012')).spans.counts).toEqual({});
    expect((await run('個人番号：123456789012')).spans.counts).toEqual({ mynumber: 1 });
  });

  it('finds names by honorific, label and common surname, not common nouns', async () => {
    const text = '紹介元：鈴木内科の高橋先生より。キーパーソンは長男の佐藤 健一さん。患者様とご家族様に説明。Dr. Smith と John Brown 氏に連絡';
    const names = typesOf(text, await run(text)).filter(([, t]) => t === 'name').map(([w]) => w);
    expect(names).toEqual(['高橋', '佐藤 健一', 'Smith', 'John Brown']);
  });

  it('masks ages over 89 only, and dates but not blood pressures', async () => {
    const text = '85歳男性、BP 120/80。2024/5/12 入院、5/14 退院。妻 95歳。';
    expect(typesOf(text, await run(text))).toEqual([['2024/5/12', 'date'], ['5/14', 'date'], ['95歳', 'age']]);
  });

  it('honours the entity types and mask style chosen', async () => {
    const out = await run('山田太郎様 090-1111-2222', { types: ['phone'], maskStyle: 'label', language: 'en', keepMapping: false });
    expect(out.text).toBe('山田太郎様 [PHONE]');
    expect(out.spans.vaultId).toBeUndefined();
    expect((await run('山田太郎様', { maskStyle: 'asterisk' })).text).toBe('＊＊＊＊様');
  });
});
