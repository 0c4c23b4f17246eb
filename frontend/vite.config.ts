/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

// The API's /docs page loads Swagger UI from here (backend/app.py), not from a CDN, so it works
// without internet: the files of npm's swagger-ui-dist are copied into the built page.
export const SWAGGER_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png'];

function swaggerAssets(): Plugin {
  return {
    name: 'swagger-ui-assets',
    apply: 'build',
    writeBundle(options) {
      const source = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
      const target = join(options.dir ?? 'dist', 'swagger');
      mkdirSync(target, { recursive: true });
      for (const file of SWAGGER_FILES) copyFileSync(join(source, file), join(target, file));
    },
  };
}

// The built page is served by FastAPI at "/" from frontend/dist, with the API
// under /api/v1 on the same origin. During `npm run dev` the proxy forwards the
// API (and its websocket) to a locally running `playground serve`.
export default defineConfig({
  base: '/',
  plugins: [svelte(), swaggerAssets()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8000', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
