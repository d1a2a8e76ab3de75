// The console is served by latchkey at /console/ from this build's output; every URL
// in it is same-origin (no CDN), so it works offline.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One script and one stylesheet: the page stays small and self-contained.
    modulePreload: { polyfill: false },
  },
});
