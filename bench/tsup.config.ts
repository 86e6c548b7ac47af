import { defineConfig } from 'tsup'

export default defineConfig({
  // run: the CLI; memory-child: the node process the memory scenario samples.
  entry: ['src/index.ts', 'src/run.ts', 'src/memory-child.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2022'
})
