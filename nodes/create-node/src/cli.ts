#!/usr/bin/env node
import { resolve } from 'node:path';
import { packPackageDir, validatePackageDir } from './package-dir.js';
import { scaffoldPackage } from './scaffold.js';

const USAGE = `create-node — MedFlow node packages

  create-node init <dir> --name <npm-name> --type <namespace/name>   scaffold a package with one node and a test
  create-node validate [dir] [--json]                                build the bundle and run the server's install checks
  create-node pack [dir] [--out <dir>] [--json]                      validate, then write <name>-<version>.tgz

Exit status: 0 ok, 1 problems found, 2 usage error.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.startsWith('--')) { if (!['--json'].includes(args[i]!)) i++; continue; }
    out.push(args[i]!);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  const [dirArg] = positional(rest);
  switch (command) {
    case 'init': {
      const name = option(rest, '--name');
      const type = option(rest, '--type');
      if (!dirArg || !name || !type) { console.error(USAGE); return 2; }
      const files = await scaffoldPackage(resolve(dirArg), { name, nodeType: type });
      console.log(`created ${dirArg}:\n  ${files.join('\n  ')}\nnext: cd ${dirArg} && npm install && npm test`);
      return 0;
    }
    case 'validate': {
      const result = await validatePackageDir(resolve(dirArg ?? '.'));
      const summary = {
        package: `${result.packageJson.name}@${result.packageJson.version}`, bundleBytes: result.bundleBytes,
        nodes: result.descriptions.map((d) => `${d.type}@${d.version}`), capabilities: result.packageJson.medflow.capabilities, problems: result.problems,
      };
      if (json) console.log(JSON.stringify(summary, null, 2));
      else {
        console.log(`${summary.package}: ${summary.nodes.join(', ')} (bundle ${(summary.bundleBytes / 1024).toFixed(1)} KiB)`);
        console.log(`capabilities: ${JSON.stringify(summary.capabilities)}`);
        console.log(result.problems.length ? `problems:\n- ${result.problems.join('\n- ')}` : 'ok: the server will accept this package');
      }
      return result.problems.length ? 1 : 0;
    }
    case 'pack': {
      const out = option(rest, '--out');
      const packed = await packPackageDir(resolve(dirArg ?? '.'), out ? resolve(out) : undefined);
      const summary = { file: packed.file, integrity: packed.integrity, bytes: packed.bytes, nodes: packed.inspection.descriptions.map((d) => `${d.type}@${d.version}`) };
      console.log(json ? JSON.stringify(summary, null, 2) : `wrote ${packed.file} (${packed.bytes} bytes)\nintegrity ${packed.integrity}\nnodes: ${summary.nodes.join(', ')}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: Error & { problems?: string[] }) => {
  console.error(error.problems ? error.message : `create-node: ${error.message}`);
  process.exitCode = 1;
});
