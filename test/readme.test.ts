import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROOT, repoPath } from './helpers/paths.js';

/** The code block that follows `<!-- example: NAME -->` in the README. */
function example(name: string): string {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const at = readme.indexOf(`<!-- example: ${name} -->`);
  assert.ok(at >= 0, `README has no example "${name}"`);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block?.[1], `the "${name}" example has no js block`);
  return block[1];
}

/** Runs a command in the checkout, as a user would from its root. */
function runHere(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('README', () => {
  it('should run `npx wasirun` from the checkout, as the README says, leaving the build alone', async () => {
    // The first `npx wasirun` in a checkout makes npm run `prepare`, a build: one that rewrote the
    // bundle deleted it under the other tests running (and under the server the README starts first).
    const worker = repoPath('dist', 'bundle', 'guest', 'worker.cjs');
    const built = statSync(worker).mtimeMs;
    const r = await runHere('npx', ['--no-install', 'wasirun', '--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wasirun \d+\.\d+\.\d+\n$/);
    assert.equal(statSync(worker).mtimeMs, built, 'npx rebuilt the bundle');
  });

  it('should have a library example that runs as written', async () => {
    // Inside the package, so that `import 'wasirun'` resolves to it.
    const file = repoPath('dist', 'readme-library.mjs');
    writeFileSync(file, example('library'));
    const r = await runHere(process.execPath, [file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^status: 200\n/);
    assert.match(r.stdout, /\ncontent-type: text\/plain\n/);
    assert.match(r.stdout, /\n\nHello from WASM!\nhttp-get exited with 0\n$/);
  });
});
