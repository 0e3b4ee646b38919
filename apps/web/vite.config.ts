import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Emits `sw.js` from `pwa/sw.js` with the built app shell (index.html, hashed JS/CSS, manifest,
 * icons) filled in as the precache list, and a cache version derived from that list, so every
 * deploy gets a fresh cache and the old one is dropped on activate. Dev builds register no worker.
 */
function serviceWorker(): Plugin {
  return {
    name: 'convene-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shell = ['/', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/icon-maskable-512.png'];
      for (const file of Object.keys(bundle)) {
        if (/\.(js|css)$/.test(file)) shell.push(`/${file}`);
      }
      shell.sort();
      const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(`${here}pwa/sw.js`, 'utf8')
        .replace('__SHELL__', JSON.stringify(shell))
        .replace('__VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  root: here,
  // Vite 8 transforms TS/JSX with oxc; Preact's automatic runtime (preact/jsx-runtime).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [serviceWorker()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    // `npm run dev -w apps/web` with the server on :3000 (override with CONVENE_API).
    proxy: {
      '/api': process.env.CONVENE_API ?? 'http://localhost:3000',
      '/ws': { target: (process.env.CONVENE_API ?? 'http://localhost:3000').replace(/^http/, 'ws'), ws: true },
    },
  },
});
