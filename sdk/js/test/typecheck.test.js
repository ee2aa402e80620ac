// The JSDoc types hold (`npm run typecheck`), and the committed liveroom.d.ts is what
// `npm run build:types` makes from them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * @param {string} command
 * @param {string[]} args
 */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

test('npm run typecheck passes', () => {
  run('npm', ['run', '--silent', 'typecheck']);
});

test('liveroom.d.ts is up to date', () => {
  const out = mkdtempSync(join(tmpdir(), 'liveroom-types-'));
  try {
    run(process.execPath, [
      tsc,
      '-p',
      'tsconfig.json',
      '--noEmit',
      'false',
      '--declaration',
      '--emitDeclarationOnly',
      '--outDir',
      out,
    ]);
    const fresh = readFileSync(join(out, 'liveroom.d.ts'), 'utf8');
    const committed = readFileSync(join(root, 'liveroom.d.ts'), 'utf8');
    assert.ok(fresh === committed, 'liveroom.d.ts is stale: run npm run build:types');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
