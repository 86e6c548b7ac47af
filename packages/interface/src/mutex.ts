/**
 * Runs async sections one at a time, in the order they were asked for; a
 * section that fails does not stop the ones queued after it. The one serial
 * queue of the tree (ingest, delivery, membership, a node's lifecycle).
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve()

  /** Runs `fn` once every section asked for before it has finished; resolves or rejects as `fn` does. */
  async run<T> (fn: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(fn, fn)
    this.#tail = result.catch(() => {})
    return await result
  }
}
