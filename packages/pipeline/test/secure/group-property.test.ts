// The room's properties on real nodes (memory transport): a few random
// sequences of adds, removals and sends, some by the owner and the admin at
// the same moment (concurrent records). Once settled, every view agrees,
// every member never removed reads every packet sent to it by a sender
// never removed, and a removed member reads nothing sent by a sender who
// knew of its removal. Few runs: each starts five nodes. Partitions are in
// the model property (membership-property.test.ts) and the partition tests
// of group-security.test.ts.
import { waitFor } from '@pipes/testkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { connect, enc, networkId, startNode } from '../helpers.js'
import { collect } from './net-helpers.js'
import type { EncryptedPipeline } from '../../src/index.js'
import type { TestNode } from '../helpers.js'

const ROOM = 'room'

type Step =
  | { type: 'add' | 'remove', by: 0 | 1, who: 2 | 3 | 4 }
  | { type: 'send', who: 0 | 1 | 2 | 3 | 4 }
  | { type: 'both', owner: Member, admin: Member }

/** An admin action on one of the three members, for the owner and the admin at once. */
interface Member { type: 'add' | 'remove', who: 2 | 3 | 4 }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ type: fc.constantFrom('add' as const, 'remove' as const), by: fc.constantFrom(0 as const, 1 as const), who: fc.constantFrom(2 as const, 3 as const, 4 as const) }),
  fc.record({ type: fc.constant('send' as const), who: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const, 4 as const) }),
  fc.record({ type: fc.constant('both' as const), owner: member(), admin: member() })
)

function member (): fc.Arbitrary<Member> {
  return fc.record({ type: fc.constantFrom('add' as const, 'remove' as const), who: fc.constantFrom(2 as const, 3 as const, 4 as const) })
}

interface Sent { text: string, author: number, audience: Set<string> }

async function runSteps (steps: Step[]): Promise<void> {
  const net = networkId('gprop')
  const nodes: TestNode[] = []
  try {
    for (const name of ['owner', 'admin', 'm2', 'm3', 'm4']) nodes.push(await startNode({ network: net, name }))
    for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) await connect(nodes[i] as TestNode, nodes[j] as TestNode)
    const [A, X, ...rest] = nodes as [TestNode, TestNode, ...TestNode[]]
    const ids = nodes.map(n => n.identity.id)
    const pipes: EncryptedPipeline[] = [
      A.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [rest[0] as TestNode, rest[1] as TestNode].map(n => n.identity.public()), admins: [X.identity.public()] } }),
      ...[X, ...rest].map(n => n.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: A.identity.id } }))
    ]
    const got = pipes.map(collect)
    await waitFor(() => [0, 1, 2, 3].every(i => pipes[i]?.hasKey === true), { timeout: 20_000, message: 'the first members hold the key' })
    const sent: Sent[] = []
    const removed = new Set<string>()
    const act = async (by: 0 | 1, a: Member): Promise<void> => {
      const admin = pipes[by] as EncryptedPipeline
      const who = nodes[a.who] as TestNode
      const isMember = admin.members().some(m => m.id === who.identity.id)
      try {
        if (a.type === 'add' && !isMember) await admin.addMember(who.identity.public())
        if (a.type === 'remove' && isMember) { removed.add(who.identity.id); await admin.removeMember(who.identity.id) }
      } catch (err) {
        // the other admin's record arrived in between, or this admin's key is on its way
        if (!['ERR_MEMBERSHIP_NOT_READY', 'ERR_NOT_REMOVABLE'].includes((err as { code?: string }).code ?? '')) throw err
      }
    }
    for (const [n, s] of steps.entries()) {
      if (s.type === 'add' || s.type === 'remove') await act(s.by, s)
      if (s.type === 'both') await Promise.all([act(0, s.owner), act(1, s.admin)])
      if (s.type === 'send') {
        const p = pipes[s.who] as EncryptedPipeline
        if (!p.hasKey || p.rekeyPending) continue
        const text = `${ids[s.who]?.slice(-6) ?? ''}-${n}`
        const audience = new Set(p.members().map(m => m.id))
        try {
          await p.putPacket(enc(text))
          sent.push({ text, author: s.who, audience })
        } catch (err) {
          if (!['ERR_NOT_MEMBER', 'ERR_REKEY_PENDING'].includes((err as { code?: string }).code ?? '')) throw err
        }
      }
    }
    // convergence: one member list and epoch everywhere, nothing pending
    const owner = pipes[0] as EncryptedPipeline
    const same = (): boolean => pipes.every(p => p.epoch === owner.epoch && !p.rekeyPending && p.members().map(m => m.id).join() === owner.members().map(m => m.id).join())
    await waitFor(same, { timeout: 30_000, interval: 50, message: 'every view converged' })
    const current = new Set(owner.members().map(m => m.id))
    await waitFor(() => pipes.every((p, i) => !current.has(ids[i] as string) || p.hasKey), { timeout: 30_000, message: 'every member holds the current key' })
    for (const s of sent) {
      const author = ids[s.author] as string
      for (const [i, id] of ids.entries()) {
        if (current.has(id) && !removed.has(id) && s.audience.has(id) && !removed.has(author)) {
          await waitFor(() => got[i]?.includes(s.text) === true, { timeout: 30_000, message: `${id} reads ${s.text}` })
        }
      }
    }
    for (const s of sent) {
      for (const [i, id] of ids.entries()) {
        if (!current.has(id) && !s.audience.has(id)) expect(got[i], `${id}, removed, read ${s.text}`).not.toContain(s.text)
      }
    }
    for (const [i, g] of got.entries()) expect(new Set(g).size, `${ids[i]} got each packet once`).toBe(g.length)
  } finally {
    await Promise.all(nodes.map(async n => { await n.stop() }))
  }
}

describe('encrypted rooms on real nodes: random and concurrent admin actions (property)', () => {
  it('converge, lose nothing and shut removed members out', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 7 }), runSteps), { numRuns: 3, endOnFailure: true })
  }, 240_000)
})
