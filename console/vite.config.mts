// The console is built once, with the package (`npm run build`), into dist/console: `weft serve` only serves
// files. `npm run console:dev` serves it with live reload against a `weft serve` on port 8088.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: no chunk is worth a second request on a page this size.
    chunkSizeWarningLimit: 300,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8088' } },
});
