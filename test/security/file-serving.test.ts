import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFile } from '../../server/src/api/file-refs.js';

// An author stored a script and referenced it from a run's JSON inputs as text/javascript and text/xml (XHTML); an
// administrator opening the file URL ran it same-origin. The served type and disposition now come from the server.
describe('run and review files are served with the server\'s type, sandboxed', () => {
  let base = '';
  let close: () => void = () => {};
  const files: Record<string, { bytes: Uint8Array; ref: { name: string; mediaType: string } }> = {};
  beforeAll(async () => {
    const add = async (key: string, bytes: Uint8Array, ref: { name: string; mediaType: string }) => { files[key] = { bytes, ref }; };
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2a3b3ab0000000049454e44ae426082', 'hex');
    await add('a', new TextEncoder().encode('fetch("/api/users",{method:"POST"})'), { name: 'x.js', mediaType: 'text/javascript' });
    await add('b', new TextEncoder().encode('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'), { name: 'x.xml', mediaType: 'text/html' });
    await add('c', png, { name: 'scan.png', mediaType: 'text/html' });
    await add('d', new TextEncoder().encode('<!doctype html><html><body>発生届</body></html>'), { name: '発生届.html', mediaType: 'text/html' });
    await add('e', new TextEncoder().encode('%PDF-1.4\n%…'), { name: 'letter.pdf', mediaType: 'application/pdf' });
    const app = express();
    app.get('/f/:key', async (req, res) => { const f = files[req.params.key]!; await sendFile(res, 'f'.repeat(64), f.ref, { bytes: f.bytes, mediaType: f.ref.mediaType }, 'missing'); });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  const get = (key: string) => fetch(`${base}/f/${key}`);

  it('a script claimed as text/javascript is a sandboxed download', async () => {
    const res = await get('a');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('XHTML claimed as text/html is a download too, and an image claimed as HTML is served as the image it is', async () => {
    expect((await get('b')).headers.get('content-disposition')).toMatch(/^attachment;/);
    const img = await get('c');
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('content-security-policy')).toMatch(/^sandbox/);
  });

  it('the generated notification form opens inline in a sandbox, a PDF inline in the viewer', async () => {
    const page = await get('d');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(page.headers.get('content-security-policy')).toMatch(/^sandbox allow-modals; default-src 'none'/);
    const pdf = await get('e');
    expect([pdf.headers.get('content-type'), pdf.headers.get('content-disposition')?.split(';')[0]]).toEqual(['application/pdf', 'inline']);
  });
});
