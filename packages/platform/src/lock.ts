/**
 * The `<apiPath>/LOCK` file: one `PlatformAPI` per directory at a time.
 *
 * Node only (imported lazily by the directory storage). The file is created
 * with `open(path, 'wx')`, which fails atomically when it exists, and holds the
 * owner's pid, host, start time and a random token. A lock whose pid is not
 * alive on this host is stale (its process was killed) and is taken over.
 */
import { randomBytes } from 'node:crypto'
import { link, open, readFile, rename, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { ApiPathLockedError } from './errors.js'

interface LockRecord {
  pid: number
  host: string
  since: string
  token: string
}

/** A held directory lock. */
export interface DirectoryLock {
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release (): Promise<void>
}

const MAX_ATTEMPTS = 20
const HALF_WRITTEN_RETRY_MS = 25

/** Whether `pid` names a live process on this host. */
export function isProcessAlive (pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function parseRecord (text: string): LockRecord | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockRecord>
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string') {
      return { pid: v.pid, host: v.host, token: v.token, since: typeof v.since === 'string' ? v.since : 'an unknown time' }
    }
  } catch {
    // not JSON: a half-written or foreign file, judged by the caller
  }
  return undefined
}

async function readRecord (path: string): Promise<{ text: string, record?: LockRecord } | undefined> {
  try {
    const text = await readFile(path, 'utf8')
    return { text, record: parseRecord(text) }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

async function tryCreate (path: string, record: LockRecord): Promise<boolean> {
  let handle
  try {
    handle = await open(path, 'wx')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
  try {
    await handle.writeFile(JSON.stringify(record))
    await handle.sync()
  } finally {
    await handle.close()
  }
  return true
}

/**
 * Moves a stale lock file out of the way without ever removing a live one:
 * the file is renamed aside first, and if what was renamed is not the stale
 * record we judged (another process took over in between), it is linked back.
 */
async function removeStale (path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    await rename(path, aside)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText)
  if (moved !== staleText) {
    await link(aside, path).catch(() => {})
  }
  await unlink(aside).catch(() => {})
}

/**
 * Takes the lock at `lockPath` for the directory `apiPath`, or throws
 * {@link ApiPathLockedError} naming the live holder.
 */
export async function acquireLock (apiPath: string, lockPath: string): Promise<DirectoryLock> {
  const mine: LockRecord = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomBytes(16).toString('hex')
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(lockPath, mine)) return makeLock(lockPath, mine.token)
    const found = await readRecord(lockPath)
    if (found === undefined) continue // released between our two calls: try again
    const { record, text } = found
    if (record === undefined) {
      // Created but not yet written by its owner, or left half-written by a
      // crash. Give a live owner a moment; after that it is stale.
      if (attempt < MAX_ATTEMPTS / 2) {
        await new Promise(resolve => setTimeout(resolve, HALF_WRITTEN_RETRY_MS))
        continue
      }
      await removeStale(lockPath, text)
      continue
    }
    if (record.host !== mine.host || isProcessAlive(record.pid)) {
      throw new ApiPathLockedError(apiPath, record.pid, record.host, record.since)
    }
    await removeStale(lockPath, text)
  }
  const last = await readRecord(lockPath)
  throw new ApiPathLockedError(apiPath, last?.record?.pid ?? -1, last?.record?.host ?? 'unknown', last?.record?.since ?? 'an unknown time')
}

function makeLock (lockPath: string, token: string): DirectoryLock {
  let released = false
  return {
    async release () {
      if (released) return
      released = true
      const found = await readRecord(lockPath)
      if (found?.record?.token === token) await unlink(lockPath).catch(() => {})
    }
  }
}
