import { defineConfig } from 'tsup'

export default defineConfig({
  // run: the CLI; memory-child: the node process the memory scenario samples;
  // flood-child: the hostile process of the flood scenario.
  entry: ['src/index.ts', 'src/run.ts', 'src/memory-child.ts', 'src/flood-child.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2022'
})
