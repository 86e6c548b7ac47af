import { packageConfig } from '../tsup.base.mjs'

export default packageConfig({
  // run: the CLI; memory-child: the node process the memory scenario samples;
  // flood-child: the hostile process of the flood scenario.
  entry: ['src/index.ts', 'src/run.ts', 'src/memory-child.ts', 'src/flood-child.ts'],
  dts: { entry: 'src/index.ts' }
})
