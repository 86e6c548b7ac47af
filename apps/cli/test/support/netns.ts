/**
 * Separate network hosts on one machine: Linux network namespaces, made
 * and removed by the test. The relay's namespace holds 10.77.0.1; each user
 * gets a namespace joined to the relay's by its own veth pair
 * (10.77.<n>.0/30) with a route to 10.77.0.1 only. The relay's namespace
 * does not forward, so users reach the relay and never each other.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

async function ip (...args: string[]): Promise<string> {
  return (await run('ip', args, { timeout: 10_000 })).stdout
}

/** Why namespaces cannot be made here, or undefined when they can (a probe namespace is made and removed). */
export async function netnsUnavailable (): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'network namespaces need root (ip netns add)'
  const probe = `pipes-probe-${process.pid}`
  try {
    await ip('netns', 'add', probe)
  } catch (err) {
    return `ip netns add failed: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`
  } finally {
    await ip('netns', 'del', probe).catch(() => {})
  }
  return undefined
}

/** The namespaces of one test: `exec(ns)` is the command prefix that runs a program inside one. */
export class NetnsLab {
  readonly relayAddress = '10.77.0.1'
  readonly #tag = String(process.pid % 100000)
  readonly #made: string[] = []
  readonly relay: string
  #users = 0

  constructor () {
    this.relay = `pipes-relay-${this.#tag}`
  }

  exec (ns: string): string[] {
    return ['ip', 'netns', 'exec', ns]
  }

  async #inNs (ns: string, ...args: string[]): Promise<string> {
    return await ip('-n', ns, ...args)
  }

  /** Makes the relay's namespace. */
  async start (): Promise<void> {
    await ip('netns', 'add', this.relay)
    this.#made.push(this.relay)
    await this.#inNs(this.relay, 'link', 'set', 'lo', 'up')
    // the relay's one address, on its loopback (reached from every user's veth)
    await this.#inNs(this.relay, 'addr', 'add', `${this.relayAddress}/32`, 'dev', 'lo')
  }

  /** Makes a user's namespace, wired to the relay's only; returns its name. */
  async user (name: string): Promise<string> {
    const n = ++this.#users
    const ns = `pipes-${name}-${this.#tag}`
    const here = `pu${n}-${this.#tag}`
    const there = `pr${n}-${this.#tag}`
    await ip('netns', 'add', ns)
    this.#made.push(ns)
    await this.#inNs(ns, 'link', 'set', 'lo', 'up')
    await ip('link', 'add', here, 'netns', ns, 'type', 'veth', 'peer', 'name', there, 'netns', this.relay)
    await this.#inNs(this.relay, 'addr', 'add', `10.77.${n}.1/30`, 'dev', there)
    await this.#inNs(this.relay, 'link', 'set', there, 'up')
    await this.#inNs(ns, 'addr', 'add', `10.77.${n}.2/30`, 'dev', here)
    await this.#inNs(ns, 'link', 'set', here, 'up')
    await this.#inNs(ns, 'route', 'add', `${this.relayAddress}/32`, 'via', `10.77.${n}.1`)
    return ns
  }

  /** The user address of the n-th user namespace (1-based). */
  userAddress (n: number): string {
    return `10.77.${n}.2`
  }

  /** Whether `from` has a route to `address` (users have one to the relay only). */
  async routes (from: string, address: string): Promise<boolean> {
    try {
      await this.#inNs(from, 'route', 'get', address)
      return true
    } catch {
      return false
    }
  }

  /** Removes every namespace made (their veths go with them). */
  async cleanup (): Promise<void> {
    for (const ns of this.#made.splice(0).reverse()) await ip('netns', 'del', ns).catch(() => {})
  }
}
