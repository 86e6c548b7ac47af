import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const demo = fileURLToPath(new URL('../dist/demo.js', import.meta.url))

describe('pnpm demo', () => {
  it('runs the built demo to a clean exit 0, showing bob receive what he missed, private chat and an encrypted room', async () => {
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
    // private chat: bob gets alice's private message, carol's UI never shows a private one
    expect(out).toMatch(/bob +receives +\(private\) alice: "Bob, between us: the party for carol is on Friday\."/)
    expect(out).toMatch(/alice +receives +\(private\) bob: "Got it, my lips are sealed\."/)
    expect(out).not.toMatch(/carol +receives +\(private\)/)
    // the room: carol reads it while a member, not after her removal
    expect(out).toMatch(/carol +receives +\[team\] alice: "Welcome to the team room\."/)
    expect(out).toMatch(/bob +receives +\[team\] alice: "Now just the two of us: Friday at eight\."/)
    expect(out).not.toMatch(/carol +receives +\[team\] alice: "Now just the two of us/)
    expect(out).toMatch(/carol saw 0 private messages and 0 room messages sent after her removal/)
    expect(out).toMatch(/stopped 3 of 3 nodes, removed .*pipes-demo-/)
    const dir = /removed (\S+),/.exec(out)?.[1]
    expect(dir).toBeDefined()
    const { access } = await import('node:fs/promises')
    await expect(access(dir as string)).rejects.toMatchObject({ code: 'ENOENT' })
  }, 60_000)
})
