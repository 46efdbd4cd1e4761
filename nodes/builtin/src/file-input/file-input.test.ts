import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import fileInput from './index.js';

function stored(bytes: Buffer, name: string, claimed = 'application/octet-stream') {
  const fileId = createHash('sha256').update(bytes).digest('hex');
  return { ref: { fileId, name, mediaType: claimed, size: bytes.length }, files: new Map([[fileId, new Uint8Array(bytes)]]) };
}

describe('core/file-input', () => {
  it('types files by content and emits them on their family port', async () => {
    const pdf = stored(Buffer.from('%PDF-1.7\n...'), '紹介状.pdf', 'image/png');
    expect(await runNode(fileInput, { name: 'scan' }, {}, { scan: pdf.ref }, pdf.files)).toEqual({
      file: { ...pdf.ref, mediaType: 'application/pdf' }, pdf: { ...pdf.ref, mediaType: 'application/pdf' },
    });
    const wav = stored(Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ')]), '問診.wav');
    expect(Object.keys(await runNode(fileInput, { name: 'rec' }, {}, { rec: wav.ref }, wav.files))).toEqual(['file', 'audio']);
  });

  it('refuses files of families it does not accept, unknown content, and files over its size limit', async () => {
    const wav = stored(Buffer.from('RIFF\0\0\0\0WAVEfmt '), 'x.wav');
    await expect(runNode(fileInput, { name: 'scan', accept: ['image'] }, {}, { scan: wav.ref }, wav.files)).rejects.toMatchObject({ code: 'FILE_TYPE_REJECTED', details: { detected: 'audio/wav' } });
    const exe = stored(Buffer.from('MZ\x90\0'), 'x.png');
    await expect(runNode(fileInput, { name: 'scan' }, {}, { scan: exe.ref }, exe.files)).rejects.toMatchObject({ code: 'FILE_TYPE_REJECTED' });
    const big = stored(Buffer.alloc(2000, 0xff), 'big.png');
    await expect(runNode(fileInput, { name: 'scan', maxBytes: 1000 }, {}, { scan: big.ref }, big.files)).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('skips downstream when optional and not given, and fails when required and not given', async () => {
    expect(await runNode(fileInput, { name: 'scan', required: false }, {}, {})).toEqual({});
    await expect(runNode(fileInput, { name: 'scan' }, {}, {})).rejects.toMatchObject({ code: 'INPUT_MISSING' });
  });
});
