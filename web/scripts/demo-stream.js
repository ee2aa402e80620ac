// Makes the demo room's stream (public/static/demo/): 12 seconds of an animated picture
// recorded in headless chromium, cut into HLS segments, played 50 times over by its
// playlist (10 minutes); and the same 12 seconds as one fragmented MP4 file, `demo.mp4`, that
// a plain <video> plays (the README's embedding example). The files are committed; run this
// only to change them:
//
//   node scripts/demo-stream.js
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordHlsStream, startBrowser } from '../e2e/support.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '../public/static/demo');
const browser = await startBrowser();
try {
  const files = await recordHlsStream(browser, {
    width: 640,
    height: 360,
    seconds: 12,
    sliceMs: 2000,
    bitrate: 450_000,
    scene: 'demo',
    repeat: 50,
  });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let bytes = 0;
  for (const [name, body] of files) {
    writeFileSync(join(out, name), body);
    bytes += body.length;
  }
  // The init segment and the media segments one after another: a fragmented MP4 file.
  const media = [...files.keys()].filter((name) => name.endsWith('.m4s'));
  const mp4 = Buffer.concat([/** @type {Buffer} */ (files.get('init.mp4')), ...media.map((name) => /** @type {Buffer} */ (files.get(name)))]);
  writeFileSync(join(out, 'demo.mp4'), mp4);
  bytes += mp4.length;
  console.log(`${files.size} files, ${bytes} bytes in ${out}`);
} finally {
  await browser.close();
}
