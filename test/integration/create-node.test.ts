import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'nodes/create-node/dist/cli.js');
const WORK = join(ROOT, 'test-output/create-node');
const sh = (args: string[], cwd = ROOT) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });

// A developer's path with the built CLI: scaffold, test in the real sandbox, validate, pack.
describe('create-node', () => {
  it('scaffolds a package whose own test passes in the sandbox, which validates and packs', () => {
    rmSync(WORK, { recursive: true, force: true });
    const dir = join(WORK, 'char-count');
    const init = sh([CLI, 'init', dir, '--name', '@acme/medflow-char-count', '--type', 'acme/char-count']);
    expect(init.stderr).toBe('');
    expect(init.stdout).toContain('src/index.ts');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).medflow.nodes).toEqual(['acme/char-count']);
    const test = spawnSync(process.execPath, ['--test', 'test/'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(test.stdout).toMatch(/# pass 2/);
    expect(test.status).toBe(0);
    const validate = sh([CLI, 'validate', dir, '--json']);
    expect(validate.status).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ package: '@acme/medflow-char-count@0.1.0', nodes: ['acme/char-count@1'], problems: [] });
    const pack = sh([CLI, 'pack', dir, '--out', WORK, '--json']);
    expect(pack.status).toBe(0);
    const packed = JSON.parse(pack.stdout);
    expect(packed.integrity).toMatch(/^sha512-/);
    expect(existsSync(join(WORK, 'acme-medflow-char-count-0.1.0.tgz'))).toBe(true);
    // Packing the same sources again gives the same bytes, so the integrity an administrator approved can be reproduced.
    expect(JSON.parse(sh([CLI, 'pack', dir, '--out', WORK, '--json']).stdout).integrity).toBe(packed.integrity);
  });

  it('validate names what the server would refuse, and exits 1', () => {
    const dir = join(WORK, 'char-count');
    const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pj, medflow: { ...pj.medflow, sdk: '^2.0.0', nodes: ['acme/other'] } }));
    const validate = sh([CLI, 'validate', dir]);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain('the package needs SDK ^2.0.0; this server has 0.1.0');
    expect(validate.stdout).toContain('acme/char-count@1: the node is not listed in package.json medflow.nodes');
    expect(validate.stdout).toContain('package.json medflow.nodes lists acme/other, but the bundle exports no such node');
    const importsFs = join(dir, 'src/index.ts');
    writeFileSync(importsFs, `import { readFileSync } from 'node:fs';\n${readFileSync(importsFs, 'utf8')}\nexport const leak = readFileSync;`);
    const bundleError = sh([CLI, 'validate', dir]);
    expect(bundleError.status).toBe(1);
    expect(bundleError.stderr).toMatch(/node:fs/);
  });

  it('refuses bad arguments with the usage and exit status 2', () => {
    const bad = sh([CLI, 'init', join(WORK, 'x')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('create-node init <dir>');
    const badName = sh([CLI, 'init', join(WORK, 'y'), '--name', 'Bad Name', '--type', 'a/b']);
    expect(badName.status).toBe(1);
    expect(badName.stderr).toContain('not a valid lower-case npm package name');
  });

  it('the example package\'s own test passes (npm test -w medflow-node-jp-date)', () => {
    const test = spawnSync(process.execPath, ['--test', 'test/'], { cwd: join(ROOT, 'nodes/examples/jp-date'), encoding: 'utf8', timeout: 120_000 });
    expect(test.stdout).toMatch(/# pass 1/);
    expect(test.status).toBe(0);
  });
});
