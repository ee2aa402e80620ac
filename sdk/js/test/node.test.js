// The README's Node.js usage works as written: the package `npm pack` makes, installed into a
// fresh project without the network (with `ws` from this package's own dependencies), runs
// the section's ES module and CommonJS examples against a real server.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EVENT } from '../liveroom.js';
import { SDK_APP_ID, startServer, waitForCount } from './support.js';

const sdk = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {import('./support.js').TestServer} */
let server;
/** The consumer project the package is installed into. */
let project = '';

/**
 * Runs a command to its end; a failure fails the test with its output.
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 */
function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The `js` code blocks of the README's "Node.js" section, in order. */
function nodeExamples() {
  const readme = readFileSync(join(sdk, 'README.md'), 'utf8');
  const from = readme.indexOf('\n## Node.js\n');
  assert.ok(from >= 0, 'a Node.js section in the README');
  const section = readme.slice(from, readme.indexOf('\n## ', from + 1));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

before(async () => {
  server = await startServer();
  await server.importUser('host', 'Host');
  await server.createRoom('demo', 'host');
  project = mkdtempSync(join(tmpdir(), 'liveroom-sdk-consumer-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run('npm', ['pack', '--silent', '--pack-destination', project], sdk);
  const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made a tarball');
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(project, tarball), join(sdk, 'node_modules', 'ws')], project);
});

after(async () => {
  await server?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

/**
 * Runs a README example in the consumer project as `file`, against the test server, as
 * `userID`; answers what it printed.
 * @param {string} code
 * @param {string} file
 * @param {string} userID
 */
async function runExample(code, file, userID) {
  writeFileSync(join(project, file), code.replaceAll('ws://127.0.0.1:8080/ws', server.url));
  const child = spawn(process.execPath, [file], {
    cwd: project,
    env: { ...process.env, SDKAPPID: String(SDK_APP_ID), USERSIG: server.userSig(userID) },
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  // It must end by itself once it has logged out: nothing may keep Node running.
  const status = await new Promise((r) => child.once('exit', r));
  assert.equal(status, 0, `${file} failed:\n${out}`);
  return out;
}

test('the tarball holds the module, its types and the README', () => {
  const files = run('tar', ['-tzf', join(project, readdirSync(project).find((f) => f.endsWith('.tgz')) || '')], project);
  for (const f of ['package/liveroom.js', 'package/liveroom.d.ts', 'package/README.md', 'package/package.json']) {
    assert.ok(files.split('\n').includes(f), `${f} in ${files}`);
  }
});

test("the README's ES module and CommonJS examples run as written", async () => {
  const [esm, cjs] = nodeExamples();
  assert.ok(esm && cjs, 'two examples');
  const watcher = await server.login('host');
  /** @type {string[]} */
  const seen = [];
  watcher.on(EVENT.MESSAGE_RECEIVED, ({ data }) => {
    for (const m of data) if (m.type === 'TIMTextElem') seen.push(`${m.from}: ${m.payload.text}`);
  });
  await watcher.joinGroup({ groupID: 'demo' });

  const printed = await runExample(esm, 'chat.mjs', 'alice');
  assert.match(printed, /in Room demo with \d+ online/);
  await runExample(cjs, 'chat.cjs', 'bob');
  assert.deepEqual(await waitForCount(seen, 2), ['alice: hello from Node', 'bob: hello from CommonJS']);
});
