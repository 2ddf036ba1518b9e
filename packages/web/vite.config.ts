import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/, which `keepsake serve` serves at /. Hashed files go under /static/ (the
// server caches them forever); every other page address gets index.html.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', assetsDir: 'static', emptyOutDir: true },
  // `npx vite` for development: the API comes from a `keepsake serve` on its default port.
  server: { proxy: { '/api': { target: 'http://127.0.0.1:7447', ws: true } } },
});
