/**
 * One Node.js everywhere: the Lambdas' runtime and esbuild target, the toolchain's pin and the Node
 * these very tests run on are the same major (24, the newest LTS that Lambda offers).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_MAJOR, NODE_RUNTIME } from '../../cdk/constructs/house-function.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('toolchain', () => {
  it('pins Node 24 for nvm, fnm, CI and npm engines alike', () => {
    const pinned = read('.node-version').trim();
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    expect(read('.nvmrc').trim()).toBe(pinned);
    expect(JSON.parse(read('package.json')).engines).toEqual({ node: '>=24.11.0 <25' });
  });

  it('builds the Lambdas for the Node it tests on', () => {
    expect(NODE_MAJOR).toBe(24);
    expect(NODE_RUNTIME.name).toBe('nodejs24.x');
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
