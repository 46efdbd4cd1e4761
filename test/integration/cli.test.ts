import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { feverFlow, fileFlow } from '../support/flows.js';
import { CLI_ENTRY } from '../support/process.js';

const dir = mkdtempSync(join(tmpdir(), 'medflow-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p; };
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI_ENTRY, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

describe('medflow CLI', () => {
  const flow = write('fever.json', JSON.stringify(feverFlow));

  it('runs a workflow file on a text file input, prints results as JSON and progress per node', () => {
    const note = write('note.txt', '今朝から３８度の発熱と咽頭痛');
    const res = cli('run', flow, '--input', `note=@${note}`);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'completed', outputs: { result: '【要確認】主訴: 今朝から３８度の発熱と咽頭痛' } });
    expect(res.stderr).toMatch(/✔ fever\s+completed/);
    expect(res.stderr).toMatch(/✔ out\s+completed/);
  });

  it('accepts inline values and exported workflow files', () => {
    const exported = write('exported.json', JSON.stringify({ workflow: { draft: feverFlow } }));
    const res = cli('run', exported, '--input', 'note=咳のみ', '--quiet');
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).outputs).toEqual({});
    expect(res.stderr).toBe('');
  });

  it('exits 2 with a clear message for unknown inputs, unreadable files and invalid workflows', () => {
    const unknown = cli('run', flow, '--input', 'nte=x');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('workflow has no input "nte" (inputs: note)');
    expect(cli('run', flow, '--input', 'note=@/nonexistent.txt').stderr).toContain('cannot read /nonexistent.txt: ENOENT');
    const bad = write('bad.json', JSON.stringify({ ...feverFlow, edges: [...feverFlow.edges, { from: { node: 'out', port: 'value' }, to: { node: 'note', port: 'x' } }] }));
    const invalid = cli('validate', bad);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('edges.4.to.port: note (core/text-input) has no input "x"');
  });

  it('exits 1 when the run fails, naming the error', () => {
    const files = write('files.json', JSON.stringify(fileFlow));
    const res = cli('run', files, '--input', `scan=@${write('not-a-scan.bin', Buffer.from('plain text, not an image'))}`);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('FILE_TYPE_REJECTED');
  });
});
