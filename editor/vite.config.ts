import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  // `npm run dev -w @medflow/editor` proxies the API to a server started with `npm start`.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
