// The committed liveroom.js is what the sources in src/ make (`npm run build`): the server
// embeds that file and the package exports it, and neither builds it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import config from '../rollup.config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('liveroom.js is up to date with src/', async () => {
  const bundle = await rollup(config);
  try {
    const { output } = await bundle.generate(/** @type {import('rollup').OutputOptions} */ (config.output));
    const committed = readFileSync(join(root, 'liveroom.js'), 'utf8');
    assert.ok(output[0].code === committed, 'liveroom.js is stale: run npm run build');
  } finally {
    await bundle.close();
  }
});

test('liveroom.js imports nothing and names no source module in its types', () => {
  const committed = readFileSync(join(root, 'liveroom.js'), 'utf8');
  assert.doesNotMatch(committed, /^\s*(import|export \* from)\b/m, 'an import in the bundle');
  // A type import of the sources (`@import`) must sit right above an import statement, which
  // the bundle drops with it; left elsewhere it would point at a file the package lacks.
  assert.doesNotMatch(committed, /@import\b|import\(['"]\.\//, 'a type import of a source module in the bundle');
});
