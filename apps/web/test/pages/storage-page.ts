// The storage test page: exposes the IndexedDB store and the browser
// PlatformStorage to the test (page.evaluate), nothing else.
import { openIndexedDbStore } from '@pipes/pipeline'
import { createIndexedDbStorage, PlatformAPI } from '@pipes/platform'

const enc = new TextEncoder()
const dec = new TextDecoder()

async function storeRoundTrip (name: string, count: number): Promise<{ durable: boolean, keys: number, first: string, last: string, deleted: boolean }> {
  const store = await openIndexedDbStore(name)
  try {
    const ops = Array.from({ length: count }, (_, i) => ({ key: `log/${String(i).padStart(5, '0')}`, value: enc.encode(`v${i}`) }))
    await store.batch([...ops, { key: 'other/x', value: enc.encode('x') }], { sync: true })
    await store.batch([{ key: 'log/00001' }], { sync: true })
    const keys: string[] = []
    for await (const { key } of store.scan('log/')) keys.push(key)
    const [gone] = await store.getMany(['log/00001'])
    return { durable: store.durable, keys: keys.length, first: keys[0] ?? '', last: keys.at(-1) ?? '', deleted: gone === undefined }
  } finally {
    store.close()
  }
}

async function storeRead (name: string): Promise<{ count: number, last: string | undefined, other: string | undefined }> {
  const store = await openIndexedDbStore(name)
  try {
    let count = 0
    let last: string | undefined
    for await (const { value } of store.scan('log/')) { count++; last = dec.decode(value) }
    const [other] = await store.getMany(['other/x'])
    return { count, last, other: other === undefined ? undefined : dec.decode(other) }
  } finally {
    store.close()
  }
}

/** Pages of `range` both ways, as the history index reads them. */
async function storeRange (name: string): Promise<{ forward: string[], back: string[], open: string[] }> {
  const store = await openIndexedDbStore(name)
  try {
    await store.batch(Array.from({ length: 10 }, (_, i) => ({ key: `t/${i}`, value: enc.encode(String(i)) })), { sync: true })
    const keys = (pairs: Array<{ key: string }>): string[] => pairs.map(p => p.key)
    return {
      forward: keys(await store.range({ gte: 't/2', lt: 't/9', limit: 3 })),
      back: keys(await store.range({ gt: 't/', lte: 't/7', limit: 2, reverse: true })),
      open: keys(await store.range({ gt: 't/8', lt: 't/\uffff', limit: 5 }))
    }
  } finally {
    store.close()
  }
}

/** A batch whose second value cannot be stored: nothing of it may land. */
async function brokenBatch (name: string): Promise<{ error: string, stored: Array<string | undefined> }> {
  const store = await openIndexedDbStore(name)
  try {
    let error = ''
    try {
      await store.batch([{ key: 'atom/a', value: enc.encode('a') }, { key: 'atom/b', value: (() => {}) as unknown as Uint8Array }], { sync: true })
    } catch (err) { error = (err as Error).name }
    const values = await store.getMany(['atom/a', 'atom/b'])
    return { error, stored: values.map(v => v === undefined ? undefined : dec.decode(v)) }
  } finally {
    store.close()
  }
}

const NETWORK = { id: 'webtest', listen: ['/p2p-circuit'], bootstrap: [], mdns: false }

async function platformWrite (profile: string, text: string): Promise<{ id: string }> {
  const api = new PlatformAPI(profile, { storage: createIndexedDbStorage(profile) })
  try {
    const identity = await api.hasLocalIdentity() ? await api.localIdentity() : await api.addIdentity('alice')
    const network = (await api.networks()).some(n => n.id === NETWORK.id) ? await api.networkWithId(NETWORK.id) : await api.addNetwork(NETWORK)
    const node = await network.nodeWithIdentity(identity)
    const pipeline = node.pipelineNamed('CHAT') ?? node.createPipeline({ name: 'CHAT', persistent: true })
    await pipeline.putPacket(enc.encode(text))
    return { id: identity.id }
  } finally {
    await api.close()
  }
}

async function platformRead (profile: string): Promise<{ id: string, name: string, networks: string[], texts: string[] }> {
  const api = new PlatformAPI(profile, { storage: createIndexedDbStorage(profile) })
  try {
    const identity = await api.localIdentity()
    const networks = (await api.networks()).map(n => n.id)
    const node = await (await api.networkWithId(NETWORK.id)).nodeWithIdentity(identity)
    const pipeline = node.pipelineNamed('CHAT') ?? node.createPipeline({ name: 'CHAT', persistent: true })
    const texts: string[] = []
    for await (const p of pipeline.history()) texts.push(dec.decode(p.data))
    return { id: identity.id, name: identity.name, networks, texts }
  } finally {
    await api.close()
  }
}

/** Opens the profile and keeps it open (this tab is its leader) until `release()`. */
let held: PlatformAPI | undefined
async function hold (profile: string): Promise<string> {
  held = new PlatformAPI(profile, { storage: createIndexedDbStorage(profile) })
  await held.hasLocalIdentity()
  return 'held'
}
async function tryOpen (profile: string): Promise<string> {
  const api = new PlatformAPI(profile, { storage: createIndexedDbStorage(profile) })
  try {
    await api.hasLocalIdentity()
    return 'opened'
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  } finally {
    await api.close().catch(() => {})
  }
}
async function release (): Promise<void> { await held?.close(); held = undefined }

Object.assign(globalThis, { pipesTest: { storeRoundTrip, storeRange, storeRead, brokenBatch, platformWrite, platformRead, hold, tryOpen, release } })
document.body.dataset.ready = 'true'
