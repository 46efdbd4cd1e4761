import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cer, renderText } from '../testing/ai-fixtures.js';
import { parseTsv, TesseractOcrService } from './ocr-service.js';

// Real Tesseract from Debian (tesseract-ocr-jpn, -jpn-vert, -eng) on images rendered here from known text.
const dir = mkdtempSync(join(tmpdir(), 'medflow-ocr-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ocr = new TesseractOcrService(2);
const note = '主訴：３日前からの発熱と咳嗽。\n既往歴：２型糖尿病、高血圧。\n血液検査：CRP 12.5 mg/dL、WBC 12000/μL。';

describe('OCR (Tesseract)', () => {
  it('reads horizontal Japanese clinical text with a character error rate under 10%, with line boxes and confidence', async () => {
    // 44 px glyphs: 10.5 pt text scanned at 300 dpi.
    const png = readFileSync(renderText(note, join(dir, 'note.png'), 44));
    const result = await ocr.recognize({ file: png, mediaType: 'image/png', languages: ['jpn', 'eng'], layout: 'auto' });
    expect(cer(note, result.text)).toBeLessThan(0.1);
    const page = result.pages[0]!;
    expect(page.lines.length).toBe(3);
    for (const line of page.lines) {
      expect(line.confidence).toBeGreaterThan(0.3);
      expect(line.box.width).toBeGreaterThan(0);
      expect(line.box.y + line.box.height).toBeLessThanOrEqual(page.height);
    }
  });

  it('reads vertical Japanese (縦書き) with jpn_vert', async () => {
    const vertical = '処方　ロキソプロフェン';
    const png = readFileSync(renderText([...vertical].join('\n'), join(dir, 'vertical.png'), 40));
    const result = await ocr.recognize({ file: png, mediaType: 'image/png', languages: ['jpn'], layout: 'vertical' });
    expect(cer(vertical, result.text)).toBeLessThan(0.25);
  });

  it('reads English with a character error rate under 5%', async () => {
    const text = 'Chief complaint: fever and cough for three days.';
    const png = readFileSync(renderText(text, join(dir, 'en.png')));
    expect(cer(text, (await ocr.recognize({ file: png, mediaType: 'image/png', languages: ['eng'], layout: 'block' })).text)).toBeLessThan(0.05);
  });

  it('rasterises PDFs and reports progress per page', async () => {
    renderText('紹介状　１頁目\n診断：肺炎', join(dir, 'p1.png'), 44);
    renderText('紹介状　２頁目\n処方：アモキシシリン', join(dir, 'p2.png'), 44);
    // Debian's ImageMagick policy forbids writing PDF; Tesseract's PDF renderer makes a 2-page PDF from an image list.
    writeFileSync(join(dir, 'pages.txt'), `${join(dir, 'p1.png')}\n${join(dir, 'p2.png')}\n`);
    execFileSync('tesseract', [join(dir, 'pages.txt'), join(dir, 'letter'), '-l', 'jpn', 'pdf'], { stdio: 'ignore' });
    const progress: string[] = [];
    const result = await ocr.recognize({ file: readFileSync(join(dir, 'letter.pdf')), mediaType: 'application/pdf', languages: ['jpn'], layout: 'auto', dpi: 150, onProgress: (_f, note) => progress.push(note ?? '') });
    expect(result.pages.map((p) => p.page)).toEqual([1, 2]);
    expect(result.pages[0]!.text).toContain('肺炎');
    expect(result.pages[1]!.text).toContain('アモキシ');
    expect(progress).toEqual(expect.arrayContaining(['OCR 1/2', 'OCR 2/2']));
  });

  it('refuses files that are not images or PDFs, and bad language codes', async () => {
    await expect(ocr.recognize({ file: new Uint8Array(Buffer.from('RIFF\0\0\0\0WAVEfmt ')), mediaType: 'audio/wav', languages: ['jpn'], layout: 'auto' })).rejects.toMatchObject({ code: 'FILE_TYPE_REJECTED' });
    await expect(ocr.recognize({ file: new Uint8Array(8), mediaType: 'image/png', languages: ['jpn; rm -rf /'], layout: 'auto' })).rejects.toMatchObject({ code: 'OCR_LANGUAGE_INVALID' });
  });

  it('stops when cancelled', async () => {
    const png = readFileSync(renderText(note, join(dir, 'cancel.png')));
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(ocr.recognize({ file: png, mediaType: 'image/png', languages: ['jpn'], layout: 'auto', signal: controller.signal })).rejects.toThrow('cancelled');
  });

  it('joins Japanese words without spaces and Latin words with them', () => {
    const tsv = ['level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t', '5\t1\t1\t1\t1\t1\t10\t10\t30\t20\t90\t発熱', '5\t1\t1\t1\t1\t2\t40\t10\t30\t20\t80\tあり',
      '5\t1\t1\t1\t2\t1\t10\t40\t40\t20\t96\tCRP', '5\t1\t1\t1\t2\t2\t60\t40\t40\t20\t94\t12.5'].join('\n');
    const page = parseTsv(tsv, 1);
    expect(page.lines.map((l) => l.text)).toEqual(['発熱あり', 'CRP 12.5']);
    expect(page.lines[0]).toMatchObject({ confidence: 0.85, box: { x: 10, y: 10, width: 60, height: 20 } });
    expect([page.width, page.height]).toEqual([800, 600]);
  });
});
