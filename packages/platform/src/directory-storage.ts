/**
 * The default storage: a directory in the local file system (Node only; this
 * module is loaded lazily so the package's entry stays browser-safe).
 *
 * ```
 * <apiPath>/LOCK                          pid of the PlatformAPI using it
 * <apiPath>/identity.key                  the local identity (key file, optionally sealed)
 * <apiPath>/identity.origin.json          { "generatedHere": "<peerId>" }: addIdentity made that key here
 * <apiPath>/networks.json                 added network configs, written atomically
 * <apiPath>/nodes/<networkId>/<peerId>/   the node's datastore-level store
 * ```
 */
import { mkdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { loadKeyFile, saveKeyFile, writeFileAtomic } from '@pipes/identity/node'
import { LevelDatastore } from 'datastore-level'
import { CorruptConfigError } from './errors.js'
import { acquireLock } from './lock.js'
import type { DirectoryLock } from './lock.js'
import type { OpenedDatastore, PlatformStorage } from './storage.js'
import type { LocalIdentity } from '@pipes/identity'
import type { NetworkConfig } from '@pipes/transport'

const NETWORKS_FILE_VERSION = 1

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** The file and directory names under `apiPath`. */
export function directoryLayout (apiPath: string): { lock: string, key: string, origin: string, networks: string, nodes: string } {
  return {
    lock: join(apiPath, 'LOCK'),
    key: join(apiPath, 'identity.key'),
    origin: join(apiPath, 'identity.origin.json'),
    networks: join(apiPath, 'networks.json'),
    nodes: join(apiPath, 'nodes')
  }
}

/** Creates the directory storage for `apiPath`. */
export function createDirectoryStorage (apiPath: string): PlatformStorage {
  const paths = directoryLayout(apiPath)
  let lock: DirectoryLock | undefined

  return {
    async open () {
      await mkdir(apiPath, { recursive: true })
      lock = await acquireLock(apiPath, paths.lock)
    },

    async close () {
      await lock?.release()
      lock = undefined
    },

    async hasKey () {
      return exists(paths.key)
    },

    async loadKey (options): Promise<LocalIdentity | undefined> {
      if (!await exists(paths.key)) return undefined
      return loadKeyFile(paths.key, options)
    },

    async saveKey (identity, options) {
      // the origin first: a crash between the two leaves no key, and addIdentity runs again
      await writeFileAtomic(paths.origin, JSON.stringify({ generatedHere: identity.id }) + '\n')
      await saveKeyFile(paths.key, identity, options)
    },

    async keyGeneratedHere (peerId) {
      // a key file put here by hand (or over another) has no matching origin: it counts as restored
      try {
        const parsed = JSON.parse(await readFile(paths.origin, 'utf8')) as { generatedHere?: unknown }
        return parsed.generatedHere === peerId
      } catch {
        return false
      }
    },

    async loadNetworks (): Promise<NetworkConfig[]> {
      let text: string
      try {
        text = await readFile(paths.networks, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw err
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (err) {
        throw new CorruptConfigError(paths.networks, 'it is not JSON', { cause: err })
      }
      const file = parsed as { version?: unknown, networks?: unknown }
      if (file?.version !== NETWORKS_FILE_VERSION || !Array.isArray(file.networks)) {
        throw new CorruptConfigError(paths.networks, `expected { "version": ${NETWORKS_FILE_VERSION}, "networks": [...] }`)
      }
      return file.networks as NetworkConfig[]
    },

    async saveNetworks (networks) {
      const text = JSON.stringify({ version: NETWORKS_FILE_VERSION, networks }, null, 2) + '\n'
      await writeFileAtomic(paths.networks, text)
    },

    async openDatastore (networkId, peerId): Promise<OpenedDatastore> {
      const dir = join(paths.nodes, networkId, peerId)
      await mkdir(dir, { recursive: true })
      const datastore = new LevelDatastore(dir)
      await datastore.open()
      return { datastore, close: async () => { await datastore.close() } }
    }
  }
}
