// Makes the demo room's stream (public/static/demo/): 12 seconds of an animated picture
// recorded in headless chromium, cut into HLS segments, played 50 times over by its
// playlist (10 minutes). The files are committed; run this only to change them:
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
  console.log(`${files.size} files, ${bytes} bytes in ${out}`);
} finally {
  await browser.close();
}
