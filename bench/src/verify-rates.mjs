// ed25519 verification rates of @pipes/identity: noble (synchronous),
// WebCrypto one by one, and WebCrypto batched with 64 in flight.
// Build first (pnpm turbo run build --filter=@pipes/identity), then run:
//   node bench/src/verify-rates.mjs [signatures]
import { generateIdentity, utf8Encode, verify, verifyBatch, verifySync, webCryptoEd25519Available } from '@pipes/identity'

const COUNT = Number(process.argv[2] ?? 2000)
const ROUNDS = 3 // each figure is the median of three rounds: the machine is shared
const SIGNERS = 100 // fewer than the 256 cached WebCrypto keys: the steady state of a busy node

function makeItems (count, signers) {
  const items = []
  for (let i = 0; i < count; i++) {
    const signer = signers[i % signers.length]
    const message = utf8Encode(`entry ${i} ${'x'.repeat(200)}`)
    items.push({ publicKey: signer.publicKey, message, signature: signer.signSync(message) })
  }
  return items
}

async function measure (label, run) {
  const rates = []
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now()
    check(await run())
    rates.push(COUNT / ((performance.now() - start) / 1000))
  }
  rates.sort((a, b) => a - b)
  const [low, mid, high] = [rates[0], rates[Math.floor(ROUNDS / 2)], rates[ROUNDS - 1]].map((r) => Math.round(r))
  console.log(`${label.padEnd(52)} ${String(mid).padStart(6)} verify/s  (median of ${ROUNDS}, range ${low}-${high})`)
}

function check (results) {
  if (results.some((ok) => !ok)) throw new Error('a valid signature failed to verify')
}

const webCrypto = await webCryptoEd25519Available()
console.log(`Node ${process.version}, WebCrypto Ed25519: ${webCrypto ? 'yes' : 'no (verify uses noble)'}, ${COUNT} signatures of 200+ bytes`)

const signers = Array.from({ length: SIGNERS }, (_, i) => generateIdentity(`signer ${i}`))
const items = makeItems(COUNT, signers)
const fresh = makeItems(COUNT, Array.from({ length: COUNT }, (_, i) => generateIdentity(`fresh ${i}`)))

// Warm up JIT and the key cache.
check(items.slice(0, 200).map((it) => verifySync(it.publicKey, it.message, it.signature)))
check(await verifyBatch(items.slice(0, 200)))

await measure('noble verifySync, one by one', () => items.map((it) => verifySync(it.publicKey, it.message, it.signature)))

await measure(`verify (WebCrypto), one by one, ${SIGNERS} keys`, async () => {
  const results = []
  for (const it of items) results.push(await verify(it.publicKey, it.message, it.signature))
  return results
})

await measure(`verifyBatch (WebCrypto), 64 in flight, ${SIGNERS} keys`, () => verifyBatch(items, { concurrency: 64 }))

// 2000 keys cycle through the 256-entry key cache in order, so every
// verification here imports its key first: the cost of a cache miss.
await measure(`verifyBatch, 64 in flight, ${COUNT} distinct keys`, () => verifyBatch(fresh, { concurrency: 64 }))
