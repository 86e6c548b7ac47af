/**
 * Extra: ed25519 verification rates of @pipes/identity (noble, WebCrypto one
 * by one, WebCrypto batched). The measuring script is identity's own
 * `bench/src/verify-rates.mjs`; this scenario runs it in a child process
 * once per repetition and reads its "<label> <n> verify/s" lines.
 */
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ResultRow, Scenario } from '../scenario.js'
import { summarize } from '../stats.js'

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../src/verify-rates.mjs')
const LINE = /^(.+?)\s+(\d+) verify\/s/

async function runOnce (count: number): Promise<Map<string, number>> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, String(count)], { timeout: 120_000, maxBuffer: 1 << 20 }, (err, out, errOut) => {
      if (err != null) reject(new Error(`verify-rates.mjs failed: ${err.message}\n${errOut}`))
      else resolve(out)
    })
  })
  const rates = new Map<string, number>()
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line.trim())
    if (m?.[1] != null && m[2] != null) rates.set(m[1].trim(), Number(m[2]))
  }
  if (rates.size === 0) throw new Error(`verify-rates.mjs printed no "<label> <n> verify/s" line:\n${stdout}`)
  return rates
}

export const verifyRates: Scenario = {
  id: 'verify-rates',
  title: 'ed25519 verify rates (identity)',
  async run (ctx) {
    const count = ctx.quick ? 100 : 5_000
    const byLabel = new Map<string, number[]>()
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      ctx.progress(`verify-rates: run ${rep}/${ctx.repeats} (${count} signatures)`)
      for (const [label, rate] of await runOnce(count)) byLabel.set(label, [...(byLabel.get(label) ?? []), rate])
    }
    return [...byLabel].map(([label, rates]): ResultRow => ({
      scenario: 'verify-rates',
      case: `${count.toLocaleString('en-US')} signatures`,
      system: label,
      metric: 'verifications/s',
      unit: 'verify/s',
      better: 'higher',
      summary: summarize(rates)
    }))
  }
}
