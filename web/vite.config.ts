/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The admin API serves the build under /console/ (embedded into the binary at build time).
// `npm run dev` proxies the API to a running `sluice up` (SLUICE_ADMIN, default 127.0.0.1:8081).
const admin = process.env.SLUICE_ADMIN ?? 'http://127.0.0.1:8081';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  server: { proxy: { '/api': admin } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // Generous: the machine running the suite is often shared and busy.
    testTimeout: 30_000,
  },
});
