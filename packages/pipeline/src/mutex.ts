/** Runs async sections one at a time, in the order they were asked for. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve()

  async run<T> (fn: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(fn, fn)
    this.#tail = result.catch(() => {})
    return await result
  }
}
