// Quickstart for @pipes/identity. Build the package, then run:
//   pnpm --filter @pipes/identity run example
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  equalBytes, generateIdentity, identityFromJSON, sealTo, utf8Decode, utf8Encode, verify, verifyBatch
} from '@pipes/identity'
import { loadKeyFile, saveKeyFile } from '@pipes/identity/node'

// Two people, each with an ed25519 key; the id is their libp2p PeerId.
const alice = generateIdentity('alice')
const bob = generateIdentity('bob')
console.log(`alice is ${alice.id}`)

// Alice shares her public identity as JSON. Bob's copy is only built if the
// name signature verifies, so the name he shows is one Alice's key signed.
const aliceForBob = await identityFromJSON(JSON.stringify(alice))
console.log(`bob knows ${aliceForBob.name}, same id: ${aliceForBob.id === alice.id}`)

// Signatures: verify never throws on a bad signature, it answers false.
const message = utf8Encode('hello bob')
const signature = await alice.sign(message)
console.log(`signature valid: ${await aliceForBob.verify(message, signature)}`)
console.log(`altered message valid: ${await verify(alice.publicKey, utf8Encode('hello eve'), signature)}`)

// Many signatures at once (WebCrypto, 64 in flight).
const answers = await verifyBatch([
  { publicKey: alice.publicKey, message, signature },
  { publicKey: bob.publicKey, message, signature }
])
console.log(`batch: ${answers.join(', ')}`)

// A sealed box only bob can open, and a shared secret both can compute.
const sealed = sealTo(bob.public(), utf8Encode('for bob only'))
console.log(`bob opens: ${utf8Decode(bob.open(sealed))}`)
console.log(`same shared secret: ${equalBytes(alice.agree(bob.public()), bob.agree(aliceForBob))}`)

// Keep alice's key on disk, sealed with a passphrase, written atomically.
const dir = await mkdtemp(join(tmpdir(), 'pipes-quickstart-'))
try {
  const path = join(dir, 'alice.key')
  await saveKeyFile(path, alice, { passphrase: 'correct horse battery staple' })
  const reloaded = await loadKeyFile(path, { passphrase: 'correct horse battery staple' })
  console.log(`reloaded from key file, same id: ${reloaded.id === alice.id}`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
