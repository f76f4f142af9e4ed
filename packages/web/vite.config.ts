import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `vite` serves the UI on :5173 and forwards /api to an api on :5000 (`shiriki up` runs one there).
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { '/api': { target: process.env.SHIRIKI_API_URL ?? 'http://127.0.0.1:5000', ws: true } },
  },
});
