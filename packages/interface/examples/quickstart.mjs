import { PipesError, TypedEventTarget } from '@pipes/interface'

// A package's own error: a stable code to match on, a message saying what to do.
class QueueFullError extends PipesError {
  static name = 'QueueFullError'
  constructor () { super('ERR_QUEUE_FULL', 'the queue holds 10 items: wait for one to finish') }
}

// A typed event target: listeners get a CustomEvent whose detail is typed (in TypeScript).
class Queue extends TypedEventTarget {
  #items = []
  push (item) {
    if (this.#items.length === 10) throw new QueueFullError()
    this.#items.push(item)
    this.emit('added', item)
  }
}

const queue = new Queue()
let added = 0
queue.addEventListener('added', (e) => { if (added++ === 0) console.log(`first added: ${e.detail}`) })
console.log(`listeners: ${queue.listenerCount('added')}`)

try {
  for (let i = 0; i < 11; i++) queue.push(`item ${i}`)
} catch (err) {
  console.log(`after ${added}: ${err instanceof PipesError} ${err.name} ${err.code}`)
}
