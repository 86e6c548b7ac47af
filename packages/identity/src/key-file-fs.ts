/**
 * @packageDocumentation
 * Node-only helpers of `@pipes/identity`: atomic file writes and key files on
 * disk. Import from `@pipes/identity/node`; the main entry stays browser-safe.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { bytesToHex, describe, randomBytes } from './bytes.js'
import { FileReadError, FileWriteError, InvalidInputError, KeyFileNotFoundError } from './errors.js'
import type { LocalIdentity } from './identity.js'
import { exportKeyFile, importKeyFile, type ExportKeyFileOptions, type ImportKeyFileOptions } from './key-file.js'

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the file (before the umask); default 0o666. Key files use 0o600. */
  mode?: number
}

function checkPath (path: unknown, what: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidInputError(`${what} needs a non-empty path string, got ${describe(path)}`)
  return path
}

/**
 * Writes `data` to `path` so that readers see either the old file or the
 * whole new one, never a part: it writes a temporary file in the same
 * directory, fsyncs it, renames it over `path`, then fsyncs the directory.
 * If any step fails the temporary file is removed and `path` is untouched.
 * @throws {@link InvalidInputError} when `path` or `data` has the wrong type
 * @throws {@link FileWriteError} when the write fails (the cause holds the system error)
 */
export async function writeFileAtomic (path: string, data: string | Uint8Array, opts?: WriteFileAtomicOptions): Promise<void> {
  checkPath(path, 'writeFileAtomic(path)')
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new InvalidInputError(`writeFileAtomic(data) must be a string or Uint8Array, got ${describe(data)}`)
  }
  if (opts !== undefined && (opts === null || typeof opts !== 'object' || Array.isArray(opts))) {
    throw new InvalidInputError(`writeFileAtomic(path, data, opts) needs an options object { mode? }, got ${describe(opts)}`)
  }
  const mode = opts?.mode ?? 0o666
  if (!Number.isSafeInteger(mode) || mode < 0 || mode > 0o777) throw new InvalidInputError(`writeFileAtomic opts.mode must be permission bits from 0 to 0o777, got ${String(mode)}`)
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${bytesToHex(randomBytes(6))}.tmp`)
  let created = false
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(temp, 'wx', mode)
    created = true
    await handle.writeFile(data)
    await handle.sync()
    await handle.close()
    handle = undefined
    await rename(temp, path)
    created = false
  } catch (err) {
    await handle?.close().catch(() => {})
    if (created) await unlink(temp).catch(() => {})
    const code = (err as { code?: string }).code
    throw new FileWriteError(`could not write ${path}${code === undefined ? '' : ` (${code})`}; check that its directory exists and is writable and that the path is not a directory. Nothing was changed`, { cause: err })
  }
  await syncDirectory(dir)
}

// Make the rename itself durable. Some platforms cannot open or fsync a
// directory (Windows); the data is already synced, so this is best effort.
async function syncDirectory (dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // best effort: see above
  } finally {
    await handle?.close().catch(() => {})
  }
}

/**
 * Writes a local identity's key file to `path` atomically, readable by its
 * owner only (mode 0600), sealed with `opts.passphrase` when given.
 * @throws as {@link exportKeyFile} and {@link writeFileAtomic}
 */
export async function saveKeyFile (path: string, identity: LocalIdentity, opts?: ExportKeyFileOptions): Promise<void> {
  checkPath(path, 'saveKeyFile(path)')
  const text = await exportKeyFile(identity, opts)
  await writeFileAtomic(path, text, { mode: 0o600 })
}

/**
 * Reads a key file written by {@link saveKeyFile}.
 * @throws {@link KeyFileNotFoundError} when there is no file at `path`
 * @throws {@link FileReadError} when it cannot be read
 * @throws as {@link importKeyFile} for its content
 */
export async function loadKeyFile (path: string, opts?: ImportKeyFileOptions): Promise<LocalIdentity> {
  checkPath(path, 'loadKeyFile(path)')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new KeyFileNotFoundError(`no key file at ${path}; create one with saveKeyFile`, { cause: err })
    throw new FileReadError(`could not read ${path}; check its permissions and that it is a file`, { cause: err })
  }
  return importKeyFile(text, opts)
}

export type { ExportKeyFileOptions, ImportKeyFileOptions } from './key-file.js'
export type { ScryptParams } from './scrypt.js'
