// Bundles the sources (src/, ES modules by concern) into liveroom.js: the one dependency-free
// ES module the package exports and the server embeds. The bundle is committed and stays
// readable (not minified, JSDoc kept): liveroom.d.ts is made from it (`npm run build:types`),
// and test/bundle.test.js fails when it is not what the sources make.

import { join, relative, sep } from 'node:path';

const banner = `/**
 * Liveroom client SDK.
 *
 * One self-contained ES module (no imports, no run-time dependencies) speaking Liveroom's
 * client WebSocket protocol: log in with a UserSig or as a guest, join live rooms, send and
 * receive messages, and follow a room's live state, pinned item, gifts, likes, online count,
 * lucky draws and moderation; chat one to one and in groups that keep their members and
 * messages; keep profiles, friends and a blocklist, and
 * follow other users' online status. Runs in browsers as is and in Node.js with a WebSocket
 * constructor such as the \`ws\` package's.
 *
 * Made from src/ by \`npm run build\`: edit the sources, not this file.
 *
 * @module liveroom-sdk
 */
`;

/**
 * Marks where each source file starts in the bundle, so a reader finds the file to edit.
 * @type {import('rollup').Plugin}
 */
const sourceNames = {
  name: 'source-names',
  transform(code, id) {
    const name = relative(import.meta.dirname, id).split(sep).join('/');
    return { code: `// ${name}\n${code}`, map: null };
  },
};

/** @type {import('rollup').RollupOptions} */
export default {
  input: join(import.meta.dirname, 'src', 'index.js'),
  output: { file: join(import.meta.dirname, 'liveroom.js'), format: 'es', banner },
  plugins: [sourceNames],
  // A warning (a circular import, a missing export) is a mistake in the sources.
  onwarn(warning) {
    throw new Error(`rollup: ${warning.message}`);
  },
};
