import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console is served by `vsip serve` under /console/ (and at /), so its assets live there;
 * no inline script or style anywhere, so the strict CSP of src/api/console-routes.ts holds.
 */
export default defineConfig({
  root,
  base: '/console/',
  // Preact's automatic JSX runtime, no Babel: Vite's own transform (Oxc) does it.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // The polyfill would be injected inline; every browser the console targets has modulepreload.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
