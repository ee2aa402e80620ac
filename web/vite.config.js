// Builds the pages the server embeds: the viewer (index.html), the host page and the admin
// console. LIVEROOM_WEB_OUT sets the output directory (the server's build script points it
// into its own build directory).
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
      },
    },
  },
  server: {
    fs: { allow: [resolve(here, '..')] },
  },
});
