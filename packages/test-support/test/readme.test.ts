import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readmeExamples, runExample } from '../src/index.js'

describe('README examples', () => {
  it('finds the js blocks of a README and runs one in the package directory, leaving no file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipes-readme-test-'))
    try {
      await writeFile(join(dir, 'README.md'), '# x\n\n```ts\nnot this\n```\n\n```js\nconsole.log(process.cwd() === ' + JSON.stringify(dir) + ')\nconsole.log(2)\n```\n')
      const blocks = await readmeExamples(join(dir, 'README.md'))
      expect(blocks).toHaveLength(1)
      expect(await runExample(dir, blocks[0] as string)).toEqual(['true', '2'])
      expect(await readdir(dir)).toEqual(['README.md'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
