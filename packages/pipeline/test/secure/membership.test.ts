import { bytesToHex, generateIdentity, randomBytes, utf8Decode, utf8Encode } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { decodeControlRecord, encodeControlRecord } from '../../src/secure/control-record.js'
import { EncryptedCodec } from '../../src/secure/encrypted-codec.js'
import { Membership } from '../../src/secure/membership.js'
import { FLAGS, RecordClock, entryOf, scope } from './helpers.js'
import type { ControlInput } from '../../src/secure/membership.js'
import type { LocalIdentity } from '@pipes/identity'

const owner = generateIdentity('owner')
const admin = generateIdentity('admin')
const bob = generateIdentity('bob')
const carol = generateIdentity('carol')
const dave = generateIdentity('dave')
const erin = generateIdentity('erin')
const outsider = generateIdentity('outsider')
const everyone = [owner, admin, bob, carol, dave, erin, outsider]

/** Every identity's view of the pipeline, fed the same records. */
class World {
  readonly views = new Map<string, Membership>()
  readonly log: ControlInput[] = []
  readonly clock = new RecordClock()
  constructor (ids: LocalIdentity[] = everyone) {
    for (const id of ids) this.views.set(id.id, new Membership(id, owner.publicKey, scope))
  }

  view (id: LocalIdentity): Membership { return this.views.get(id.id) as Membership }

  /** Writes a record as `author` and applies it everywhere. */
  async write (author: LocalIdentity, payload: Uint8Array): Promise<ControlInput> {
    const input = this.clock.next(author.publicKey, payload)
    this.log.push(input)
    for (const v of this.views.values()) await v.apply(input)
    return input
  }

  async start (members: LocalIdentity[], admins: LocalIdentity[] = []): Promise<void> {
    await this.write(owner, this.view(owner).genesisRecord(members.map(m => m.public()), admins.map(a => a.public())))
  }
}

function seal (view: Membership, author: LocalIdentity, text: string, seq = 1) {
  const { payload, keyEpoch } = new EncryptedCodec(scope, view, FLAGS).encode(utf8Encode(text), { author: author.publicKey, seq })
  return entryOf({ author: author.publicKey, seq, payload, keyEpoch })
}

/** The text of an entry as `view` reads it; '<skipped>' when it is sealed under a key the view will never hold. */
function open (view: Membership, entry: ReturnType<typeof seal>): string {
  const data = new EncryptedCodec(scope, view, FLAGS).decode(entry)
  return data === undefined ? '<skipped>' : utf8Decode(data)
}

const hexes = (v: Membership): string[] => v.members().map(m => m.id).sort()
const ids = (...xs: LocalIdentity[]): string[] => xs.map(x => x.id).sort()

describe('membership: genesis, add, remove', () => {
  it('genesis makes the owner, admins and members hold the epoch-1 key, and nobody else', async () => {
    const w = new World()
    await w.start([bob, carol], [admin])
    for (const m of [owner, admin, bob, carol]) {
      const v = w.view(m)
      expect(v.epoch).toBe(1)
      expect(v.current()?.epoch).toBe(1)
      expect(hexes(v)).toEqual(ids(owner, admin, bob, carol))
    }
    expect(w.view(owner).isAdmin && w.view(admin).isAdmin).toBe(true)
    expect(w.view(bob).isAdmin).toBe(false)
    expect(w.view(outsider).current()).toBeUndefined()
    expect(w.view(outsider).keys(1)).toEqual([])
    // the outsider still knows who the members are (the records are public to holders of the pipeline)
    expect(hexes(w.view(outsider))).toEqual(ids(owner, admin, bob, carol))
    const e = seal(w.view(bob), bob, 'from bob')
    for (const m of [owner, admin, carol]) expect(open(w.view(m), e)).toBe('from bob')
    expect(() => open(w.view(outsider), e)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNAVAILABLE' }))
  })

  it('adding a member gives it the current key, so it reads the current epoch', async () => {
    const w = new World()
    await w.start([bob])
    const before = seal(w.view(bob), bob, 'before dave')
    await w.write(owner, w.view(owner).addRecord(dave.public()))
    expect(w.view(dave).epoch).toBe(1)
    expect(hexes(w.view(carol))).toEqual(ids(owner, bob, dave))
    expect(open(w.view(dave), before)).toBe('before dave')
    expect(open(w.view(bob), seal(w.view(dave), dave, 'dave here'))).toBe('dave here')
    expect(w.view(owner).needs()).toEqual({ rekey: false, missing: [], backfill: [] })
  })

  it('removing a member starts an epoch whose key the removed member never gets; it keeps what it had', async () => {
    const w = new World()
    await w.start([bob, carol, dave])
    const old = seal(w.view(bob), bob, 'epoch one')
    await w.write(owner, w.view(owner).removeRecord(dave.publicKey, 0))
    for (const m of [owner, bob, carol, dave]) expect(w.view(m).epoch).toBe(2)
    expect(hexes(w.view(bob))).toEqual(ids(owner, bob, carol))
    const after = seal(w.view(carol), carol, 'after dave')
    expect(after.keyEpoch).toBe(2)
    expect(open(w.view(bob), after)).toBe('after dave')
    expect(w.view(dave).keys(2)).toEqual([])
    expect(() => open(w.view(dave), after)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNAVAILABLE', epoch: 2 }))
    expect(w.view(dave).current()).toBeUndefined()
    expect(open(w.view(dave), old)).toBe('epoch one')
    expect(w.view(bob).heldEpochs()).toEqual([1, 2])
    // added back later: it gets the key of the epoch then current, still not the one it missed
    await w.write(owner, w.view(owner).removeRecord(carol.publicKey, 0))
    await w.write(owner, w.view(owner).addRecord(dave.public()))
    expect(w.view(dave).heldEpochs()).toEqual([1, 3])
  })

  it('an admin named at genesis can add and remove; the owner and admins cannot be removed', async () => {
    const w = new World()
    await w.start([bob], [admin])
    await w.write(admin, w.view(admin).addRecord(carol.public()))
    expect(hexes(w.view(bob))).toEqual(ids(owner, admin, bob, carol))
    await w.write(admin, w.view(admin).removeRecord(bob.publicKey, 0))
    expect(w.view(carol).epoch).toBe(2)
    expect(w.view(bob).keys(2)).toEqual([])
    expect(() => w.view(admin).removeRecord(owner.publicKey, 0)).toThrow(expect.objectContaining({ code: 'ERR_NOT_REMOVABLE' }))
    expect(() => w.view(owner).removeRecord(admin.publicKey, 0)).toThrow(expect.objectContaining({ code: 'ERR_NOT_REMOVABLE' }))
    expect(() => w.view(owner).removeRecord(outsider.publicKey, 0)).toThrow(expect.objectContaining({ code: 'ERR_NOT_REMOVABLE' }))
  })

  it('a member that is not an admin cannot write records, and records it writes anyway are dropped and counted', async () => {
    const w = new World()
    await w.start([bob, carol])
    expect(() => w.view(bob).addRecord(outsider.public())).toThrow(expect.objectContaining({ code: 'ERR_NOT_ADMIN' }))
    // bob forges records by hand: a key for the outsider, a removal of carol, a fresh epoch for himself
    const forgedGrant = encodeControlRecord({ type: 'add', epoch: 1, key: new Uint8Array(8), member: { publicKey: outsider.publicKey, name: outsider.name, nameSignature: outsider.nameSignature }, grants: [] })
    const forgedRemove = encodeControlRecord({ type: 'remove', epoch: 2, key: new Uint8Array(8), member: carol.publicKey, last: 0, grants: [] })
    const forgedGenesis = w.views.get(bob.id) as Membership
    await w.write(bob, forgedGrant)
    await w.write(bob, forgedRemove)
    const outcome = await forgedGenesis.apply(w.clock.next(bob.publicKey, new Membership(bob, bob.publicKey, scope).genesisRecord([outsider.public()])))
    expect(outcome).toBe('not-admin')
    for (const m of [owner, carol]) {
      const v = w.view(m)
      expect(v.stats.notAdmin).toBe(2)
      expect(v.epoch).toBe(1)
      expect(hexes(v)).toEqual(ids(owner, bob, carol))
    }
  })

  it('only the owner given by the app counts: a genesis by someone else is dropped', async () => {
    const fake = new Membership(outsider, outsider.publicKey, scope).genesisRecord([bob.public()])
    const bobView = new Membership(bob, owner.publicKey, scope)
    const clock = new RecordClock()
    expect(await bobView.apply(clock.next(outsider.publicKey, fake))).toBe('not-admin')
    expect(bobView.started).toBe(false)
    expect(bobView.current()).toBeUndefined()
    expect(() => new Membership(bob, owner.publicKey, scope).genesisRecord([])).toThrow(expect.objectContaining({ code: 'ERR_NOT_ADMIN' }))
  })
})

describe('membership: order, duplicates, bad records', () => {
  it('reaches the same state whatever order the records arrive in, and waits for the genesis', async () => {
    const w = new World([owner, admin, bob, carol, dave, erin])
    await w.start([bob, carol, dave], [admin])
    await w.write(admin, w.view(admin).addRecord(erin.public()))
    await w.write(owner, w.view(owner).removeRecord(dave.publicKey, 0))
    await w.write(admin, w.view(admin).removeRecord(carol.publicKey, 0))
    const expected = hexes(w.view(bob))
    for (let round = 0; round < 5; round++) {
      const late = new Membership(erin, owner.publicKey, scope)
      const shuffled = [...w.log].sort(() => Math.random() - 0.5)
      const outcomes = []
      for (const input of shuffled) outcomes.push(await late.apply(input))
      expect(hexes(late)).toEqual(expected)
      expect(late.epoch).toBe(3)
      expect(late.heldEpochs()).toEqual([1, 2, 3].filter(e => w.view(erin).keys(e).length > 0))
      if (shuffled[0] !== w.log[0]) expect(outcomes[0]).toBe('pending')
      for (const input of w.log) expect(await late.apply(input)).toBe('duplicate')
    }
  })

  it('drops malformed records and counts them; a grant that does not bind counts as a bad grant', async () => {
    const w = new World([owner, bob, carol])
    await w.start([bob, carol])
    const junk = [utf8Encode('not json'), utf8Encode('{"v":1,"type":"add","epoch":1}'), utf8Encode('{"v":2,"type":"grant","epoch":1,"grants":[]}'), randomBytes(50)]
    for (const j of junk) await w.write(owner, j)
    expect(w.view(bob).stats.malformed).toBe(junk.length)
    // a genuine grant of another pipeline copied into this one
    const elsewhere = new Membership(owner, owner.publicKey, { ...scope, pipeline: 'OTHER' })
    const copied = decodeControlRecord(elsewhere.genesisRecord([bob.public()]))
    if (copied === undefined) throw new Error('genesis did not decode')
    const bobGrant = copied.grants.filter(g => bytesToHex(g.to) === bytesToHex(bob.publicKey))
    await w.write(owner, encodeControlRecord({ type: 'grant', epoch: 1, key: copied.key, grants: bobGrant }))
    expect(w.view(bob).stats.badGrants).toBe(1)
    expect(w.view(bob).keys(1).length).toBe(1)
  })
})

describe('membership: bounded work for records of non-admins', () => {
  it('refuses a non-admin record by its author alone, without parsing it', async () => {
    const w = new World([owner, bob])
    await w.start([bob])
    const input = w.clock.next(bob.publicKey, utf8Encode('not even json'))
    expect(await w.view(owner).apply(input)).toBe('not-admin')
    expect(w.view(owner).stats).toMatchObject({ notAdmin: 1, malformed: 0 })
  })

  it('keeps a bounded number of records while the genesis is unknown; past it they are deferred, not kept', async () => {
    const view = new Membership(bob, owner.publicKey, scope)
    const clock = new RecordClock()
    const outcomes = new Map<string, number>()
    const grant = encodeControlRecord({ type: 'grant', epoch: 1, key: new Uint8Array(8), grants: [] })
    for (let i = 0; i < 1100; i++) {
      const o = await view.apply(clock.next(carol.publicKey, grant))
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1)
    }
    expect(Object.fromEntries(outcomes)).toEqual({ pending: 1024, deferred: 76 })
    const genesis = new Membership(owner, owner.publicKey, scope).genesisRecord([bob.public()])
    expect(await view.apply(clock.next(owner.publicKey, genesis))).toBe('applied')
    expect(view.stats.notAdmin).toBe(1024)
    expect(view.current()?.epoch).toBe(1)
  })
})

describe('membership: admins acting at once', () => {
  it('two removals made concurrently converge: a healing epoch excludes both', async () => {
    const w = new World([owner, admin, bob, carol, dave])
    await w.start([bob, carol, dave], [admin])
    // both write from the same state before seeing the other's record
    const r1 = w.view(owner).removeRecord(carol.publicKey, 0)
    const r2 = w.view(admin).removeRecord(dave.publicKey, 0)
    await w.write(owner, r1)
    await w.write(admin, r2)
    const v = w.view(bob)
    expect(hexes(v)).toEqual(ids(owner, admin, bob))
    // the second removal's key was sealed to carol, removed by the first: a new epoch is due,
    // and nothing is sealed under a key a removed member holds until then
    expect(v.needs().rekey).toBe(true)
    expect(v.rekeyPending).toBe(true)
    expect(() => seal(v, bob, 'would leak to a removed member')).toThrow(expect.objectContaining({ code: 'ERR_REKEY_PENDING' }))
    const heal = w.view(owner).healRecord()
    if (heal === undefined) throw new Error('owner did not heal')
    await w.write(owner, heal)
    expect(v.epoch).toBe(3)
    expect(v.rekeyPending).toBe(false)
    expect(v.needs()).toEqual({ rekey: false, missing: [], backfill: [] })
    expect(w.view(carol).keys(3)).toEqual([])
    expect(w.view(dave).keys(3)).toEqual([])
    const e = seal(w.view(admin), admin, 'after both')
    expect(open(v, e)).toBe('after both')
    expect(() => open(w.view(carol), e)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNAVAILABLE' }))
    expect(() => open(w.view(dave), e)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNAVAILABLE' }))
  })

  it('an add made concurrently with a removal is mended by a grant of the new epoch key', async () => {
    const w = new World([owner, admin, bob, carol, erin])
    await w.start([bob, carol], [admin])
    const removal = w.view(owner).removeRecord(carol.publicKey, 0)
    const addition = w.view(admin).addRecord(erin.public())
    await w.write(owner, removal)
    await w.write(admin, addition)
    expect(hexes(w.view(bob))).toContain(erin.id)
    expect(w.view(erin).current()).toBeUndefined()
    expect(w.view(bob).needs()).toEqual({ rekey: false, missing: [bytesToHex(erin.publicKey)], backfill: [] })
    const heal = w.view(admin).healRecord()
    if (heal === undefined) throw new Error('admin did not heal')
    await w.write(admin, heal)
    expect(w.view(erin).current()?.epoch).toBe(2)
    expect(open(w.view(erin), seal(w.view(bob), bob, 'welcome'))).toBe('welcome')
    expect(w.view(carol).keys(2)).toEqual([])
    expect(w.view(owner).healRecord()).toBeUndefined()
  })

  it('non-admins never heal, and an admin lacking the current key refuses to change membership', async () => {
    const w = new World([owner, admin, bob])
    await w.start([bob], [admin])
    expect(w.view(bob).healRecord()).toBeUndefined()
    // the owner's own view before its genesis is known (e.g. a restore still syncing)
    const early = new Membership(owner, owner.publicKey, scope)
    expect(early.isAdmin).toBe(true)
    expect(() => early.addRecord(carol.public())).toThrow(expect.objectContaining({ code: 'ERR_MEMBERSHIP_NOT_READY' }))
    expect(() => early.removeRecord(bob.publicKey, 0)).toThrow(expect.objectContaining({ code: 'ERR_MEMBERSHIP_NOT_READY' }))
    expect(early.healRecord()).toBeUndefined()
  })
})

describe('membership: who may write under a key', () => {
  it('refuses entries of a removed member past the seq its removal names, under every key it held; re-added, it writes again', async () => {
    const w = new World([owner, bob, dave])
    await w.start([bob, dave])
    const early = seal(w.view(dave), dave, 'dave 3', 3)
    // dave writes on under the epoch-1 key after the owner removed him at seq 3
    const late = seal(w.view(dave), dave, 'dave 4', 4)
    await w.write(owner, w.view(owner).removeRecord(dave.publicKey, 3))
    expect(open(w.view(bob), early)).toBe('dave 3')
    expect(() => open(w.view(bob), late)).toThrow(expect.objectContaining({ code: 'ERR_REMOVED_AUTHOR' }))
    // an author never granted the key waits (a grant may be on its way); it is not delivered
    const k1 = w.view(bob).byId(bytesToHex(seal(w.view(bob), bob, 'x').payload.subarray(1, 9)))
    if (k1 === undefined) throw new Error('bob holds no epoch-1 key')
    expect(w.view(bob).admit(bytesToHex(outsider.publicKey), 1, k1)).toBe('wait')
    await w.write(owner, w.view(owner).addRecord(dave.public()))
    const back = seal(w.view(dave), dave, 'dave back', 5)
    expect(back.keyEpoch).toBe(2)
    expect(open(w.view(bob), back)).toBe('dave back')
    expect(() => open(w.view(bob), late)).toThrow(expect.objectContaining({ code: 'ERR_REMOVED_AUTHOR' }))
  })

  it('a key granted by a concurrent admin to someone already removed counts for none of its later writes', async () => {
    const w = new World([owner, admin, bob, carol, dave])
    await w.start([bob, carol, dave], [admin])
    await w.write(owner, w.view(owner).removeRecord(carol.publicKey, 0))
    // the admin had not seen the removal: its new epoch key goes to carol too
    const stale = new World([admin, carol])
    await stale.write(owner, w.log[0]?.payload as Uint8Array)
    const r2 = stale.view(admin).removeRecord(dave.publicKey, 0)
    await w.write(admin, r2)
    for (const v of [stale.view(carol)]) await v.apply(w.log[w.log.length - 1] as ControlInput)
    const fromCarol = seal(stale.view(carol), carol, 'carol under the admin key')
    expect(() => open(w.view(bob), fromCarol)).toThrow(expect.objectContaining({ code: 'ERR_REMOVED_AUTHOR' }))
  })
})

describe('membership: key schedule', () => {
  it('without shareHistory an added member gets a new epoch and cannot read the backlog of the one it joined', async () => {
    const w = new World([owner, bob, dave])
    await w.start([bob])
    const backlog = seal(w.view(bob), bob, 'before dave')
    await w.write(owner, w.view(owner).addRecord(dave.public(), false))
    expect(w.view(dave).epoch).toBe(2)
    expect(w.view(dave).heldEpochs()).toEqual([2])
    // not waited for either: dave will never get that key, so it does not hold back bob's later entries
    expect(open(w.view(dave), backlog)).toBe('<skipped>')
    expect(open(w.view(dave), seal(w.view(bob), bob, 'after dave'))).toBe('after dave')
    // a scheduled re-key: a new epoch for the same members
    await w.write(owner, w.view(owner).rekeyRecord())
    expect(w.view(bob).epoch).toBe(3)
    expect(open(w.view(dave), seal(w.view(bob), bob, 'epoch 3'))).toBe('epoch 3')
  })
})

describe('membership: freshness', () => {
  it('reports an entry naming a record this node lacks (a withheld removal), and a member writing from an older view', async () => {
    const w = new World([owner, bob, carol, dave])
    await w.start([bob, carol, dave])
    const reports: unknown[] = []
    // carol never gets the removal of dave: it is withheld from her
    const carolView = new Membership(carol, owner.publicKey, scope)
    carolView.onStale = (r) => { reports.push(r) }
    await carolView.apply(w.log[0] as ControlInput)
    const fromOldView = seal(w.view(dave), dave, 'dave, not yet removed in his view', 1)
    await w.write(owner, w.view(owner).removeRecord(dave.publicKey, 1))
    const afterRemoval = seal(w.view(bob), bob, 'bob after the removal')
    expect(() => open(carolView, afterRemoval)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNAVAILABLE' }))
    const removal = (w.log[1] as ControlInput).id.slice(0, 16)
    expect(reports).toEqual([{ behind: 'self', author: bytesToHex(bob.publicKey), record: removal }])
    // bob has the removal: dave's entry from before it names an older record, under an older epoch
    const bobReports: unknown[] = []
    w.view(bob).onStale = (r) => { bobReports.push(r) }
    expect(open(w.view(bob), fromOldView)).toBe('dave, not yet removed in his view')
    expect(bobReports).toEqual([{ behind: 'author', author: bytesToHex(dave.publicKey), record: (w.log[0] as ControlInput).id.slice(0, 16) }])
  })
})
