/**
 * Once per integration run: one DynamoDB Local and one fauxqs for all test files, and one
 * synthesized cloud assembly for the local-runtime tests (cached by a hash of its inputs, so an
 * unchanged project is not synthesized again).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, startSqsEmulator } from '../../../local/emulators.ts';
import { synthesize } from '../../../local/runtime/assembly.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
    /** A synthesized cloud assembly of this project (functions bundled). */
    cdkOut: string;
  }
}

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
const SYNTH_INPUTS = [
  'cdk',
  'functions',
  'lib',
  'package-lock.json',
  'cdk.json',
  'tsconfig.json',
  // The console's stacks import these; the built console itself does not change the templates
  // the local runtime reads.
  'console/build.ts',
  'console/security-headers.ts',
];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** Synthesizes unless an assembly of exactly these inputs exists; returns its directory. */
export async function synthesizedAssembly(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of SYNTH_INPUTS.flatMap((input) => filesUnder(join(projectRoot, input)))) {
    hash.update(relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const cacheDir = join(projectRoot, 'node_modules', '.cache', 'voec-border');
  const target = join(cacheDir, `cdk.out-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(target, 'manifest.json'))) return target;
  mkdirSync(cacheDir, { recursive: true });
  const building = `${target}.building-${process.pid}`;
  await synthesize({ projectRoot, outDir: building });
  try {
    renameSync(building, target);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another run finished the same synth first
  }
  // Old assemblies: keep the recent ones (a concurrent run may still read them).
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path !== target && Date.now() - statSync(path).mtimeMs > 3_600_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  return target;
}

export default async function setup(project: TestProject) {
  const [dynamo, sqs, cdkOut] = await Promise.all([
    startDynamoDbLocal(),
    startSqsEmulator(),
    synthesizedAssembly(),
  ]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  project.provide('cdkOut', cdkOut);
  return async () => {
    await Promise.all([sqs.stop(), dynamo.stop()]);
  };
}
