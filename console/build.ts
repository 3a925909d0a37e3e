/**
 * Builds the console into console/dist when its sources changed: `npm start`, the browser tests'
 * global setup and `cdk synth` (for the deployment) call this, so a fresh clone needs no extra
 * command. The build is keyed by a hash of its inputs (written to dist/.source-hash), like the
 * integration tests' cached cloud assembly; it runs Vite in a child process, into a temporary
 * directory that replaces dist only when complete, so a concurrent reader never sees half a build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE_DIR = fileURLToPath(new URL('.', import.meta.url));
const PROJECT_ROOT = join(CONSOLE_DIR, '..');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
const HASH_FILE = '.source-hash';
const INPUTS = [
  'console/index.html',
  'console/vite.config.ts',
  'console/tsconfig.json',
  'console/src',
  'package-lock.json',
];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(PROJECT_ROOT, input)))) {
    hash.update(relative(PROJECT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The build in dist is of exactly these sources. */
export function consoleIsBuilt(hash = consoleSourceHash()): boolean {
  const file = join(CONSOLE_DIST, HASH_FILE);
  return (
    existsSync(join(CONSOLE_DIST, 'index.html')) && existsSync(file) && readFileSync(file, 'utf8') === hash
  );
}

function viteArgs(outDir: string): string[] {
  return [
    join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    join(CONSOLE_DIR, 'vite.config.ts'),
    '--outDir',
    outDir,
    '--emptyOutDir',
  ];
}

/** Moves a finished build into place (unless a concurrent build of the same sources won). */
function install(building: string, hash: string): void {
  writeFileSync(join(building, HASH_FILE), hash);
  if (consoleIsBuilt(hash)) {
    rmSync(building, { recursive: true, force: true });
    return;
  }
  rmSync(CONSOLE_DIST, { recursive: true, force: true });
  try {
    renameSync(building, CONSOLE_DIST);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!consoleIsBuilt(hash)) throw error;
  }
}

export interface BuildOptions {
  /** Build even when dist matches its sources. */
  force?: boolean;
  log?: (message: string) => void;
}

export async function ensureConsoleBuilt(options: BuildOptions = {}): Promise<string> {
  const hash = consoleSourceHash();
  if (!options.force && consoleIsBuilt(hash)) return CONSOLE_DIST;
  options.log?.('building the console (vite) → console/dist');
  const building = `${CONSOLE_DIST}.building-${process.pid}-${Date.now()}`;
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, viteArgs(building), {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`The console build failed (exit ${code}):\n${Buffer.concat(output).toString()}`);
  }
  install(building, hash);
  return CONSOLE_DIST;
}

/** The same, synchronously: CDK constructs cannot await. */
export function ensureConsoleBuiltSync(options: BuildOptions = {}): string {
  const hash = consoleSourceHash();
  if (!options.force && consoleIsBuilt(hash)) return CONSOLE_DIST;
  options.log?.('building the console (vite) → console/dist');
  const building = `${CONSOLE_DIST}.building-${process.pid}-${Date.now()}`;
  const result = spawnSync(process.execPath, viteArgs(building), { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`The console build failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  install(building, hash);
  return CONSOLE_DIST;
}

// `npm run console:build`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureConsoleBuilt({ force: process.argv.includes('--force'), log: console.log });
  console.log(`console built: ${relative(process.cwd(), CONSOLE_DIST) || CONSOLE_DIST}`);
}
