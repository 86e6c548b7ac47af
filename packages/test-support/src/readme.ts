import { execFile } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The ```js code blocks of a README, in order: what a user would copy and run. */
export async function readmeExamples (readme: string | URL): Promise<string[]> {
  const text = await readFile(readme instanceof URL ? fileURLToPath(readme) : readme, 'utf8')
  return [...text.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map(m => m[1] as string)
}

/**
 * Runs `code` as an ES module with Node from inside `packageDir` (so the
 * package's own name resolves to its built `dist/`, as for a user who
 * installed it) and resolves with its stdout lines. The file is removed after.
 */
export async function runExample (packageDir: string | URL, code: string, timeoutMs = 60_000): Promise<string[]> {
  const dir = packageDir instanceof URL ? fileURLToPath(packageDir) : packageDir
  const file = join(dir, `.readme-example-${process.pid}-${Math.random().toString(36).slice(2, 8)}.mjs`)
  await writeFile(file, code)
  try {
    const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: timeoutMs })
    return stdout.trim().split('\n')
  } finally {
    await rm(file, { force: true })
  }
}
