// The console is served by latchkey at /console/ from this build's output; every URL
// in it is same-origin (no CDN), so it works offline.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** The whole console, every asset, gzipped, may not exceed this (issue 20's budget). */
const budgetBytes = 60 * 1024;

/** Prints the gzipped size of everything the build emits, and fails the build above the budget. */
function sizeBudget(): Plugin {
  return {
    name: 'latchkey-size-budget',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir ?? 'dist';
      let total = 0;
      for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (file.isFile()) total += gzipSync(readFileSync(join(file.parentPath, file.name)), { level: 9 }).length;
      }
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
      const line = `console: all assets ${kb(total)} gzipped (budget ${kb(budgetBytes)})`;
      if (total > budgetBytes) this.error(`${line}: over budget`);
      this.info(line);
    },
  };
}

export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [sizeBudget()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // terser (three passes, top-level mangling, getters taken as pure): about 1.4 kB gzipped
    // smaller than the default minifier, which the 60 kB budget needs with uPlot in it.
    minify: 'terser',
    terserOptions: {
      module: true,
      ecma: 2020,
      compress: { passes: 3, pure_getters: true, unsafe_arrows: true },
      mangle: { toplevel: true },
    },
    // One script and one stylesheet: the page stays small and self-contained.
    modulePreload: { polyfill: false },
  },
});
