import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PipesError } from '@pipes/interface'
import * as api from '../src/index.js'
import * as nodeApi from '../src/key-file-fs.js'

// Every public function gets every wrong type at every argument position (the
// other arguments valid) and must throw or reject a typed PipesError with a
// stable ERR_ code: never a TypeError from deep inside a library.

const basics: unknown[] = [undefined, null, 0, 42, -1, NaN, 10n, true, 'abc', '', {}, [], [1, 2, 3], Symbol('s'), () => 1, new Uint16Array(32), new ArrayBuffer(32), new Date(0)]
const notBytes = basics
const bytesOf = (n: number): unknown[] => [...basics, new Uint8Array(0), new Uint8Array(n - 1), new Uint8Array(n + 1), new Uint8Array(2 * n)]
const notString = basics.filter((v) => typeof v !== 'string')
const badNames = [...notString, '', ' x', 'x ', 'a\nb', 'x'.repeat(65)]
const badOptions = [null, 42, 'abc', true, [1], () => 1, Symbol('o')]
const badIdentity = [...basics, { publicKey: new Uint8Array(31) }, { publicKey: 'abc' }, { publicKey: new Uint8Array(32).fill(0xff) }, { publicKey: new Uint8Array(32) }]
const badLocal = [...basics, { secretKey: new Uint8Array(31), name: 'a' }, { secretKey: new Uint8Array(32), name: '' }, { secretKey: 'abc', name: 'a' }]

interface Spec {
  name: string
  call: (...args: unknown[]) => unknown
  valid: unknown[]
  bad: unknown[][]
}

const dir = join(tmpdir(), `pipes-identity-bad-${randomUUID()}`)
beforeAll(async () => { await mkdir(dir) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

async function failure (call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (err) {
    return err
  }
  return undefined
}

function specs (): Spec[] {
  const alice = api.generateIdentity('alice')
  const bob = api.generateIdentity('bob')
  const msg = api.utf8Encode('hello')
  const sig = alice.signSync(msg)
  const sealed = api.sealTo(bob, msg)
  const key = api.randomBytes(32)
  const aead = api.aeadSeal(key, msg)
  const item = { publicKey: alice.publicKey, message: msg, signature: sig }
  const fn = (f: (...a: never[]) => unknown) => f as (...args: unknown[]) => unknown
  return [
    { name: 'generateIdentity', call: fn(api.generateIdentity), valid: ['a'], bad: [badNames] },
    { name: 'localIdentityFromSecretKey', call: fn(api.localIdentityFromSecretKey), valid: [alice.secretKey, 'a'], bad: [bytesOf(32), badNames] },
    { name: 'identityFromParts', call: fn(api.identityFromParts), valid: [alice.publicKey, 'alice', alice.nameSignature], bad: [[...bytesOf(32), new Uint8Array(32).fill(0xff)], badNames, [...bytesOf(64), sig]] },
    { name: 'identityFromJSON', call: fn(api.identityFromJSON), valid: [alice.toJSON()], bad: [[...basics, new Uint8Array(3), '{', { ...alice.toJSON(), version: 10n }, { ...alice.toJSON(), publicKey: 7 }]] },
    { name: 'verify', call: fn(api.verify), valid: [alice.publicKey, msg, sig], bad: [bytesOf(32), notBytes, bytesOf(64)] },
    { name: 'verifySync', call: fn(api.verifySync), valid: [alice.publicKey, msg, sig], bad: [bytesOf(32), notBytes, bytesOf(64)] },
    { name: 'verifyBatch', call: fn(api.verifyBatch), valid: [[item], undefined], bad: [[...basics.filter((v) => !Array.isArray(v)), [null], [1], [{}], [{ ...item, message: 'x' }], [{ ...item, signature: new Uint8Array(65) }]], [...badOptions, { concurrency: 0 }, { concurrency: 'x' }, { concurrency: 1.5 }]] },
    { name: 'peerIdFromPublicKey', call: fn(api.peerIdFromPublicKey), valid: [alice.publicKey], bad: [bytesOf(32)] },
    { name: 'publicKeyFromPeerId', call: fn(api.publicKeyFromPeerId), valid: [alice.id], bad: [[...notString, '', '0OIl', '12D3Koo']] },
    { name: 'assertValidName', call: fn(api.assertValidName), valid: ['a'], bad: [badNames] },
    { name: 'nameSigningBytes', call: fn(api.nameSigningBytes), valid: ['a'], bad: [badNames] },
    { name: 'sealTo', call: fn(api.sealTo), valid: [bob, msg], bad: [badIdentity, notBytes] },
    { name: 'edPublicToX25519', call: fn(api.edPublicToX25519), valid: [alice.publicKey], bad: [[...bytesOf(32), new Uint8Array(32).fill(0xff)]] },
    { name: 'edSecretToX25519', call: fn(api.edSecretToX25519), valid: [alice.secretKey], bad: [bytesOf(32)] },
    { name: 'x25519PublicKey', call: fn(api.x25519PublicKey), valid: [key], bad: [bytesOf(32)] },
    { name: 'x25519SharedSecret', call: fn(api.x25519SharedSecret), valid: [key, api.x25519PublicKey(api.randomBytes(32))], bad: [bytesOf(32), [...bytesOf(32), new Uint8Array(32)]] },
    { name: 'exportKeyFile', call: fn(api.exportKeyFile), valid: [alice, undefined], bad: [badLocal, [...badOptions, { passphrase: 42 }, { passphrase: '' }, { passphrase: 'x', scrypt: 5 }, { passphrase: 'x', scrypt: { N: 'big' } }]] },
    { name: 'scryptKey', call: fn(api.scryptKey), valid: ['pw', new Uint8Array(16), { N: 2 ** 14, r: 1, p: 1 }, undefined], bad: [[...notString, ''], notBytes, [null, 5, 'x', { N: 3, r: 1, p: 1 }, { N: 2 ** 14, r: 0, p: 1 }], [0, 15, 65, 1.5, 'x']] },
    { name: 'importKeyFile', call: fn(api.importKeyFile), valid: ['{}', undefined], bad: [[...notString, '', '{', 'null', '[]']] },
    { name: 'importKeyFile (options)', call: fn(api.importKeyFile), valid: ['{"version":1}', undefined], bad: [[], badOptions] },
    { name: 'aeadSeal', call: fn(api.aeadSeal), valid: [key, msg, undefined], bad: [bytesOf(32), notBytes, basics.filter((v) => v !== undefined)] },
    { name: 'aeadOpen', call: fn(api.aeadOpen), valid: [key, aead, undefined], bad: [bytesOf(32), [...notBytes, new Uint8Array(0), new Uint8Array(39), aead.subarray(1)], basics.filter((v) => v !== undefined)] },
    { name: 'sha256', call: fn(api.sha256), valid: [msg], bad: [notBytes] },
    { name: 'sha512', call: fn(api.sha512), valid: [msg], bad: [notBytes] },
    { name: 'hkdf', call: fn(api.hkdf), valid: [key, { info: 'x' }], bad: [notBytes, [...basics, { info: 5 }, { info: 'x', salt: 'y' }, { info: 'x', length: 0 }, { info: 'x', length: 9000 }, { info: 'x', length: '32' }]] },
    { name: 'bytesToHex', call: fn(api.bytesToHex), valid: [msg], bad: [notBytes] },
    { name: 'hexToBytes', call: fn(api.hexToBytes), valid: ['00'], bad: [[...notString, '0', 'zz', '0x00', ' 00']] },
    { name: 'equalBytes', call: fn(api.equalBytes), valid: [msg, msg], bad: [notBytes, notBytes] },
    { name: 'concatBytes', call: fn(api.concatBytes), valid: [msg, msg], bad: [notBytes, notBytes] },
    { name: 'utf8Encode', call: fn(api.utf8Encode), valid: ['x'], bad: [notString] },
    { name: 'utf8Decode', call: fn(api.utf8Decode), valid: [msg], bad: [[...notBytes, new Uint8Array([0xc3])]] },
    { name: 'randomBytes', call: fn(api.randomBytes), valid: [8], bad: [[...basics.filter((v) => v !== 0 && v !== 42), 1.5, Infinity, 2 ** 20]] },
    { name: 'identity.verify', call: (m, s) => alice.public().verify(m as Uint8Array, s as Uint8Array), valid: [msg, sig], bad: [notBytes, bytesOf(64)] },
    { name: 'local.sign', call: (m) => alice.sign(m as Uint8Array), valid: [msg], bad: [notBytes] },
    { name: 'local.signSync', call: (m) => alice.signSync(m as Uint8Array), valid: [msg], bad: [notBytes] },
    { name: 'local.open', call: (s) => bob.open(s as Uint8Array), valid: [sealed], bad: [[...notBytes, new Uint8Array(0), new Uint8Array(48), sealed.subarray(1)]] },
    { name: 'local.agree', call: (p) => alice.agree(p as api.Identity), valid: [bob], bad: [badIdentity] },
    { name: 'writeFileAtomic', call: fn(nodeApi.writeFileAtomic), valid: [join(dir, 'w'), 'x', undefined], bad: [[...notString, ''], [...basics.filter((v) => typeof v !== 'string' && !(v instanceof Uint8Array))], [...badOptions, { mode: 'x' }, { mode: -1 }, { mode: 0o1000 }]] },
    { name: 'saveKeyFile', call: fn(nodeApi.saveKeyFile), valid: [join(dir, 's.key'), alice, undefined], bad: [[...notString, ''], badLocal, [...badOptions, { passphrase: 7 }]] },
    { name: 'loadKeyFile', call: fn(nodeApi.loadKeyFile), valid: [join(dir, 'missing.key'), undefined], bad: [[...notString, ''], []] }
  ]
}

describe('every public function refuses wrong types with a typed PipesError', () => {
  it('covers the whole public API', () => {
    const covered = new Set(specs().map((s) => s.name.split(' ')[0]))
    const functions = [...Object.entries(api), ...Object.entries(nodeApi)]
      .filter(([name, value]) => typeof value === 'function' && !/Error$/.test(name))
      .map(([name]) => name)
    // Predicates that answer for any input, and the zero-argument support probe.
    const exempt = new Set(['isIdentity', 'isValidName', 'scryptCostProblem', 'webCryptoEd25519Available'])
    expect(functions.filter((name) => !covered.has(name) && !exempt.has(name))).toEqual([])
  })

  for (const spec of specs()) {
    it(spec.name, async () => {
      let checked = 0
      for (let pos = 0; pos < spec.bad.length; pos++) {
        for (const bad of spec.bad[pos] as unknown[]) {
          const args = spec.valid.slice()
          args[pos] = bad
          const err = await failure(() => spec.call(...args))
          const label = `${spec.name} arg ${pos} = ${typeof bad === 'symbol' ? 'symbol' : Object.prototype.toString.call(bad)}`
          expect(err, label).toBeInstanceOf(PipesError)
          expect(err, label).not.toBeInstanceOf(TypeError)
          expect((err as PipesError).code, label).toMatch(/^ERR_[A-Z_]+$/)
          expect((err as PipesError).message.length, label).toBeGreaterThan(20)
          checked++
        }
      }
      expect(checked).toBeGreaterThan(0)
    })
  }
})
