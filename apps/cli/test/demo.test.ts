import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const demo = fileURLToPath(new URL('../dist/demo.js', import.meta.url))

describe('pnpm demo', () => {
  it('runs the built demo to a clean exit 0, showing bob receive what he missed', async () => {
    const child = spawn(process.execPath, [demo], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.stderr.on('data', (c: Buffer) => { err += c.toString() })
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`demo still running after 45 s; output so far:\n${out}\n${err}`))
      }, 45_000)
      child.once('exit', (c) => { clearTimeout(timer); resolve(c) })
    })
    expect(err, out).toBe('')
    expect(code, out).toBe(0)
    // colour only on a TTY: a pipe gets plain text
    expect(out).not.toContain('\u001b[')
    for (const missed of ['bob, did you see the news?', 'He left. We will tell him later.', 'Persistent pipelines will deliver it anyway.']) {
      expect(out).toMatch(new RegExp(`bob +receives +(alice|carol): "${missed.replace(/[.?]/g, '\\$&')}" .*missed while offline`))
    }
    expect(out).toMatch(/bob received 3 of 3 messages he missed/)
    expect(out).toMatch(/alice +receives +bob: "Sorry, my train went into a tunnel\."/)
    expect(out).toMatch(/stopped 3 of 3 nodes, removed .*pipes-demo-/)
    const dir = /removed (\S+),/.exec(out)?.[1]
    expect(dir).toBeDefined()
    const { access } = await import('node:fs/promises')
    await expect(access(dir as string)).rejects.toMatchObject({ code: 'ENOENT' })
  }, 60_000)
})
