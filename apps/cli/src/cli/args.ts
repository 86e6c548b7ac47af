import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { usageError } from './cli-error.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** Parsed flags and positionals of one command. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

/**
 * `node:util` parseArgs, strict, with its errors turned into one usage line
 * that names the command's help.
 */
export function parseCommand (command: string, args: string[], options: Options, positionals: { min: number, max: number }): Parsed {
  let parsed
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    throw usageError(`${(err as Error).message.split('\n')[0] ?? 'bad arguments'}: see "pipes ${command} --help"`)
  }
  const values = parsed.values as Parsed['values']
  if (values.help === true) return { values, positionals: parsed.positionals }
  const n = parsed.positionals.length
  if (n < positionals.min) throw usageError(`"pipes ${command}" is missing an argument: see "pipes ${command} --help"`)
  if (n > positionals.max) throw usageError(`"pipes ${command}" takes at most ${positionals.max} argument${positionals.max === 1 ? '' : 's'}, got ${n} (quote text with spaces): see "pipes ${command} --help"`)
  return { values, positionals: parsed.positionals }
}

/** A string flag's value, or undefined. */
export function str (parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name]
  return typeof v === 'string' ? v : undefined
}

/** A repeatable string flag's values. */
export function list (parsed: Parsed, name: string): string[] {
  const v = parsed.values[name]
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
}

/** A flag in seconds (e.g. `--timeout 10`) as ms, checked. */
export function seconds (parsed: Parsed, name: string, fallback: number): number {
  const v = str(parsed, name)
  if (v === undefined) return fallback * 1000
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw usageError(`--${name} must be a number of seconds above 0, got "${v}"`)
  return Math.round(n * 1000)
}

/** A positive integer flag, checked. */
export function integer (value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isSafeInteger(n) || n < 1) throw usageError(`${what} must be a whole number above 0, got "${String(value)}"`)
  return n
}
