import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../src/index.js'
import { loadKeyFile, saveKeyFile, writeFileAtomic } from '../src/key-file-fs.js'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'pipes-identity-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('writeFileAtomic', () => {
  it('writes strings and bytes, replacing an existing file, and leaves no temporary file', async () => {
    const path = join(dir, 'file.txt')
    await writeFileAtomic(path, 'first')
    expect(await readFile(path, 'utf8')).toBe('first')
    await writeFileAtomic(path, new Uint8Array([104, 105]))
    expect(await readFile(path, 'utf8')).toBe('hi')
    expect(await readdir(dir)).toEqual(['file.txt'])
  })

  it('leaves one whole version when many writes race on the same path', async () => {
    const path = join(dir, 'race.txt')
    const versions = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000))
    await Promise.all(versions.map(async (v) => { await writeFileAtomic(path, v) }))
    expect(versions).toContain(await readFile(path, 'utf8'))
    expect(await readdir(dir)).toEqual(['race.txt'])
  })

  it('on a failed rename removes its temporary file and leaves the target untouched', async () => {
    const target = join(dir, 'target')
    await mkdir(target)
    await writeFile(join(target, 'keep'), 'kept')
    await expect(writeFileAtomic(target, 'new content')).rejects.toMatchObject({ code: 'ERR_FILE_WRITE', name: 'FileWriteError' })
    expect(await readdir(dir)).toEqual(['target'])
    expect(await readFile(join(target, 'keep'), 'utf8')).toBe('kept')
  })

  it('on a missing directory fails with ERR_FILE_WRITE and creates nothing', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'file'), 'x')).rejects.toMatchObject({ code: 'ERR_FILE_WRITE' })
    expect(await readdir(dir)).toEqual([])
  })

  it('refuses wrong argument types before touching the disk', async () => {
    for (const data of [undefined, null, 42, {}, [1, 2]]) {
      await expect(writeFileAtomic(join(dir, 'f'), data as string)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    }
    await expect(writeFileAtomic('', 'x')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(writeFileAtomic(join(dir, 'f'), 'x', { mode: 0o1777 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    expect(await readdir(dir)).toEqual([])
  })
})

describe('saveKeyFile / loadKeyFile', () => {
  it('saves a key file readable by its owner only and loads it back', async () => {
    const alice = generateIdentity('alice')
    const path = join(dir, 'alice.key')
    await saveKeyFile(path, alice, { passphrase: 'pw', scrypt: { N: 2 ** 14 } })
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600)
    const back = await loadKeyFile(path, { passphrase: 'pw' })
    expect(back.id).toBe(alice.id)
    expect(back.secretKey).toEqual(alice.secretKey)
    await expect(loadKeyFile(path, { passphrase: 'nope' })).rejects.toMatchObject({ code: 'ERR_WRONG_PASSPHRASE' })
  })

  it('reports a missing file, an unreadable path and a corrupt file with typed errors', async () => {
    await expect(loadKeyFile(join(dir, 'none.key'))).rejects.toMatchObject({ code: 'ERR_KEY_FILE_NOT_FOUND' })
    await expect(loadKeyFile(dir)).rejects.toMatchObject({ code: 'ERR_FILE_READ' })
    const path = join(dir, 'bad.key')
    await writeFile(path, '{"version": 1, "kind": "pipes-identity-key", "na')
    await expect(loadKeyFile(path)).rejects.toMatchObject({ code: 'ERR_KEY_FILE_CORRUPT' })
  })

  it('a failed save leaves an existing key file as it was', async () => {
    const alice = generateIdentity('alice')
    const path = join(dir, 'alice.key')
    await saveKeyFile(path, alice)
    const before = await readFile(path, 'utf8')
    await expect(saveKeyFile(path, generateIdentity('bob'), { passphrase: 'pw', scrypt: { N: 3 } })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    expect(await readFile(path, 'utf8')).toBe(before)
    expect(await readdir(dir)).toEqual(['alice.key'])
  })
})
