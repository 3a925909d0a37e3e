/**
 * The CDK cloud assembly (`cdk.out`): synthesizing it with the real CLI (so functions are bundled
 * exactly as for a deploy) and reading the stack templates it holds.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

export interface StackTemplate {
  stackName: string;
  /** The directory the template's relative asset paths are resolved against. */
  assemblyDir: string;
  template: CfnTemplate;
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; stackName?: string; directoryName?: string };
  dependencies?: string[];
  displayName?: string;
}

/** Reads every CloudFormation stack of the assembly (nested stage assemblies included), dependencies first. */
export function readCloudAssembly(cdkOut: string): StackTemplate[] {
  const dir = resolve(cdkOut);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`No cloud assembly at ${dir} (manifest.json missing): run \`npm run synth\` first.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const artifacts = manifest.artifacts ?? {};
  const ordered: string[] = [];
  const visit = (id: string, seen: Set<string>) => {
    if (ordered.includes(id) || seen.has(id) || !artifacts[id]) return;
    seen.add(id);
    for (const dependency of artifacts[id].dependencies ?? []) visit(dependency, seen);
    ordered.push(id);
  };
  for (const id of Object.keys(artifacts)) visit(id, new Set());

  const stacks: StackTemplate[] = [];
  for (const id of ordered) {
    const artifact = artifacts[id];
    if (!artifact) continue;
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readCloudAssembly(join(dir, artifact.properties.directoryName)));
    } else if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const template = JSON.parse(
        readFileSync(join(dir, artifact.properties.templateFile), 'utf8'),
      ) as CfnTemplate;
      stacks.push({ stackName: artifact.properties.stackName ?? id, assemblyDir: dir, template });
    }
  }
  if (stacks.length === 0) throw new Error(`The cloud assembly at ${dir} holds no stacks.`);
  return stacks;
}

/** Runs `cdk synth` (offline, ~10 s) with the project's pinned CLI into `outDir`. */
export async function synthesize(options: { projectRoot: string; outDir: string }): Promise<void> {
  const cli = join(options.projectRoot, 'node_modules', '.bin', 'cdk');
  const args = ['synth', '--no-notices', '--quiet', '--output', options.outDir];
  await new Promise<void>((done, fail) => {
    const child = spawn(existsSync(cli) ? cli : 'npx', existsSync(cli) ? args : ['cdk', ...args], {
      cwd: options.projectRoot,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`cdk synth failed (exit ${code}):\n${output}`)),
    );
  });
}
