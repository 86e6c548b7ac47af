import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/key-file-fs.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022'
})
