import { defineConfig } from 'vite'

// Preact's JSX through Vite's own transform (no plugin); the platform's
// Node-only directory storage (a lazy chunk a browser never loads) stays out.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    rolldownOptions: {
      external: (id: string) => /directory-storage-[\w-]+\.js$/.test(id)
    }
  }
})
