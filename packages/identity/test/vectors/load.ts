// Reads the public test vectors kept beside this file (see README.md for their sources).
import { readFileSync } from 'node:fs'

/** The parsed JSON of `vectors/<file>`. */
export function loadVectors<T> (file: string): T {
  return JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as T
}

/** A Wycheproof file: groups of tests sharing parameters. */
export interface WycheproofFile<G> {
  algorithm: string
  numberOfTests: number
  testGroups: G[]
}
