import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveError, readPackageArchive } from '@medflow/sandbox';
import { codeFlow } from '../support/flows.js';
import { startTestServer } from '../support/server.js';

// Contained before, tested here so they stay contained: archive bombs and links in uploaded packages, and user code
// that closes the function it is wrapped in.
type Entry = { name: string; type?: 'file' | 'symlink' | 'link' | 'directory' | 'character-device'; linkname?: string; body?: Buffer | string };
async function tgz(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => { pack.on('data', (c: Buffer) => chunks.push(c)); pack.on('end', resolve); pack.on('error', reject); });
  for (const e of entries) {
    const body = e.body === undefined ? undefined : Buffer.from(e.body);
    await new Promise<void>((resolve, reject) => pack.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}), ...(body ? { size: body.length } : {}) }, body, (err) => (err ? reject(err) : resolve())));
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
const manifest = { name: 'package/package.json', body: JSON.stringify({ name: 'x', version: '1.0.0', medflow: { sdk: '^0.1.0', bundle: 'b.js', nodes: ['x/y'] } }) };

describe('package archives', () => {
  it.each([
    ['a symbolic link', { name: 'package/secret', type: 'symlink', linkname: '/etc/passwd' }, /symlink; packages may contain only regular files/],
    ['a hard link', { name: 'package/secret', type: 'link', linkname: 'package/package.json' }, /link; packages may contain only regular files/],
    ['a device', { name: 'package/tty', type: 'character-device' }, /character-device/],
    ['a path climbing out', { name: 'package/../../etc/cron.d/x', body: 'x' }, /points outside the package/],
    ['an absolute path', { name: '/etc/cron.d/x', body: 'x' }, /points outside the package/],
  ] as const)('refuses %s', async (_what, entry, message) => {
    const bytes = await tgz([manifest, entry as Entry]);
    await expect(readPackageArchive(bytes)).rejects.toThrow(message);
  });

  it('stops a gzip bomb at the unpacked limit (200 MB of zeros in ~200 KB)', async () => {
    const bomb = await tgz([manifest, { name: 'package/zeros.bin', body: Buffer.alloc(200 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const error = await readPackageArchive(bomb).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ArchiveError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops an archive with more files than allowed, and one that is not a tarball', async () => {
    const many = await tgz([manifest, ...Array.from({ length: 501 }, (_, i) => ({ name: `package/f${i}.js`, body: '1' }))]);
    await expect(readPackageArchive(many)).rejects.toThrow(/more than 500 files/);
    await expect(readPackageArchive(gzipSync(Buffer.from('not a tar at all'.repeat(100))))).rejects.toThrow(ArchiveError);
    await expect(readPackageArchive(Buffer.from('plain'))).rejects.toThrow(/not a gzip-compressed tarball/);
  });
});

describe('user code closing its wrapper function', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server.stop(); });

  it.each([
    'return 1; }); globalThis.escaped = true; (function () {',
    '}; globalThis.escaped = true; function again() {',
    'return 1; } } } }',
    'return 1; }; (function () {',
    '*/ return 1; /*',
  ])('%s is a syntax error at validation and never runs', async (source) => {
    const validated = await server.admin.api('POST', '/api/workflows/validate', { document: codeFlow(source) });
    expect(validated.body.valid).toBe(false);
    expect(JSON.stringify(validated.body.problems)).toMatch(/syntax error/);
    // Even saved as a draft and run, it fails the node with the same reason.
    const id = (await server.admin.api('POST', '/api/workflows', { document: codeFlow(source) })).body.workflow?.id;
    if (!id) return;
    const run = await server.admin.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs: { note: 'x' }, version: 'draft' });
    expect(run.body.run?.status ?? run.body.error?.code).not.toBe('completed');
  });

  it('the sandbox refuses such code itself, whatever validation said (a stored or a package-made workflow)', async () => {
    const { CodeSandbox } = await import('@medflow/sandbox');
    const sandbox = new CodeSandbox();
    try {
      const run = (source: string) => sandbox.run({ source, input: {}, timeoutMs: 1_000 });
      await expect(run('return 1; }); globalThis.escaped = true; (function () { return "mine";')).rejects.toMatchObject({ code: 'CODE_SYNTAX_ERROR' });
      await expect(run('return typeof globalThis.escaped;')).resolves.toBe('undefined');
    } finally { await sandbox.close(); }
  });
});
