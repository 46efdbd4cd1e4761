import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MedflowError, sniffMediaType, type OcrLine, type OcrPage, type OcrRequest, type OcrResult, type OcrService } from '@medflow/sdk';
import { ProcessPool, runTool } from './process.js';

const PSM: Record<OcrRequest['layout'], string> = { auto: '3', block: '6', vertical: '5', line: '7' };
const LANGUAGE = /^[a-z]{3}(_[a-z]+)?$/;
const CJK = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;

/**
 * OCR with Debian's Tesseract, one process per page in a pool bounded by cores. PDFs are rasterised with
 * pdftoppm. Output keeps every line with its box and confidence, so a reviewer can see where a value came from.
 */
export class TesseractOcrService implements OcrService {
  private readonly pool: ProcessPool;

  constructor(workers: number) {
    this.pool = new ProcessPool(Math.max(1, workers));
  }

  async recognize(req: OcrRequest): Promise<OcrResult> {
    for (const lang of req.languages) {
      if (!LANGUAGE.test(lang)) throw new MedflowError({ code: 'OCR_LANGUAGE_INVALID', category: 'USER', message: `"${lang}" is not a Tesseract language code (e.g. jpn, jpn_vert, eng)`, details: { language: lang } });
    }
    const family = sniffMediaType(req.file).family;
    if (family !== 'image' && family !== 'pdf') {
      throw new MedflowError({ code: 'FILE_TYPE_REJECTED', category: 'USER', message: `OCR reads images and PDFs; this file is ${sniffMediaType(req.file).mediaType}`, details: {} });
    }
    const dir = await mkdtemp(join(tmpdir(), 'medflow-ocr-'));
    try {
      const images = family === 'pdf' ? await this.rasterise(req, dir) : [await writeImage(req.file, dir)];
      let done = 0;
      req.onProgress?.(0, `OCR 0/${images.length}`);
      const pages = await Promise.all(images.map((image, i) => this.pool.run(async () => {
        if (req.signal?.aborted) throw req.signal.reason;
        const page = await this.page(image, i + 1, req);
        done += 1;
        req.onProgress?.(done / images.length, `OCR ${done}/${images.length}`);
        return page;
      })));
      return { text: pages.map((p) => p.text).join('\n\f\n'), pages };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async rasterise(req: OcrRequest, dir: string): Promise<string[]> {
    const pdf = join(dir, 'input.pdf');
    await writeFile(pdf, req.file);
    req.onProgress?.(null, 'PDF → images');
    await runTool('pdftoppm', ['-r', String(req.dpi ?? 300), '-png', pdf, join(dir, 'page')], { ...(req.signal ? { signal: req.signal } : {}) });
    return (await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort().map((f) => join(dir, f));
  }

  private async page(image: string, number: number, req: OcrRequest): Promise<OcrPage> {
    const languages = req.layout === 'vertical' ? req.languages.map((l) => (l === 'jpn' ? 'jpn_vert' : l)) : req.languages;
    const { stdout } = await runTool('tesseract', [image, 'stdout', '-l', languages.join('+'), '--psm', PSM[req.layout], ...(req.dpi ? ['--dpi', String(req.dpi)] : []), 'tsv'], {
      ...(req.signal ? { signal: req.signal } : {}),
      // One thread per process: parallelism comes from the pool, not from OpenMP inside each process.
      env: { OMP_THREAD_LIMIT: '1' },
    });
    return parseTsv(stdout.toString('utf8'), number);
  }
}

async function writeImage(bytes: Uint8Array, dir: string): Promise<string> {
  const ext = sniffMediaType(bytes).mediaType.split('/')[1] ?? 'img';
  const path = join(dir, `page-1.${ext}`);
  await writeFile(path, bytes);
  return path;
}

/** Joins words into a line: no space between Japanese characters, a space between Latin words. */
function joinWords(words: string[]): string {
  let out = '';
  for (const w of words) {
    if (out && !(CJK.test(out.at(-1)!) || CJK.test(w[0]!))) out += ' ';
    out += w;
  }
  return out;
}

/** Parses `tesseract … tsv` into lines with boxes and mean word confidence. */
export function parseTsv(tsv: string, page: number): OcrPage {
  const rows = tsv.split('\n').slice(1).map((l) => l.split('\t')).filter((c) => c.length >= 12);
  const pageRow = rows.find((c) => c[0] === '1');
  const lines = new Map<string, { words: string[]; confs: number[]; x0: number; y0: number; x1: number; y1: number }>();
  for (const c of rows) {
    if (c[0] !== '5') continue;
    const text = c.slice(11).join('\t').trim();
    const conf = Number(c[10]);
    if (!text || conf < 0) continue;
    const key = `${c[2]}.${c[3]}.${c[4]}`;
    const [x, y, w, h] = [Number(c[6]), Number(c[7]), Number(c[8]), Number(c[9])];
    const line = lines.get(key) ?? { words: [], confs: [], x0: x, y0: y, x1: x + w, y1: y + h };
    line.words.push(text);
    line.confs.push(conf);
    line.x0 = Math.min(line.x0, x); line.y0 = Math.min(line.y0, y); line.x1 = Math.max(line.x1, x + w); line.y1 = Math.max(line.y1, y + h);
    lines.set(key, line);
  }
  const out: OcrLine[] = [...lines.values()].map((l) => ({
    text: joinWords(l.words),
    confidence: Math.round(l.confs.reduce((a, b) => a + b, 0) / l.confs.length) / 100,
    box: { x: l.x0, y: l.y0, width: l.x1 - l.x0, height: l.y1 - l.y0 },
  }));
  const all = out.flatMap((l) => l.confidence);
  return {
    page,
    text: out.map((l) => l.text).join('\n'),
    width: Number(pageRow?.[8] ?? 0),
    height: Number(pageRow?.[9] ?? 0),
    meanConfidence: all.length ? Math.round((all.reduce((a, b) => a + b, 0) / all.length) * 100) / 100 : 0,
    lines: out,
  };
}
