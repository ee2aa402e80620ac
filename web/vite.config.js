// Builds the pages the server embeds: the viewer (index.html), the host page (host.html), the
// admin console (admin.html), the one-to-one messenger (chat.html), the groups and communities
// page (community.html), and the embeddable live chat room as one module with a stable name
// (sdk/liveroom-room.js) for pages on other origins. LIVEROOM_WEB_OUT sets the output
// directory (the server's build script points it into its own build directory).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  base: '/',
  build: {
    outDir: process.env.LIVEROOM_WEB_OUT || resolve(here, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    rollupOptions: {
      input: {
        viewer: resolve(here, 'index.html'),
        host: resolve(here, 'host.html'),
        admin: resolve(here, 'admin.html'),
        chat: resolve(here, 'chat.html'),
        community: resolve(here, 'community.html'),
        room: resolve(here, 'src/component/index.js'),
      },
      // The component keeps its exports (pages on other origins import them).
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'room' ? 'sdk/liveroom-room.js' : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    fs: { allow: [resolve(here, '..')] },
    // `npx vite` serves the pages from source; the server's own routes go to a running
    // `liveroom serve` (LIVEROOM_DEV_SERVER, default http://127.0.0.1:8080).
    proxy: Object.fromEntries(
      ['/ws', '/v1', '/v4', '/sdk/liveroom.js', '/sdk/liveroom.d.ts'].map((path) => [
        path,
        { target: process.env.LIVEROOM_DEV_SERVER || 'http://127.0.0.1:8080', ws: path === '/ws', changeOrigin: false },
      ]),
    ),
  },
});
