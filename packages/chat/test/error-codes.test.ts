import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import * as chat from '@pipes/chat'
import * as identity from '@pipes/identity'
import * as identityNode from '@pipes/identity/node'
import * as iface from '@pipes/interface'
import * as pipeline from '@pipes/pipeline'
import * as platform from '@pipes/platform'
import * as testkit from '@pipes/testkit'
import * as transport from '@pipes/transport'
import { describe, expect, it } from 'vitest'

// Every package's public errors, read from what the packages export (so a
// subclass defined anywhere counts) and matched to its source for its codes
// and its TSDoc. One code has one meaning and one class.
const packages: Record<string, Record<string, unknown>> = {
  '@pipes/interface': iface,
  '@pipes/identity': identity,
  '@pipes/identity/node': identityNode,
  '@pipes/transport': transport,
  '@pipes/pipeline': pipeline,
  '@pipes/platform': platform,
  '@pipes/chat': chat,
  '@pipes/testkit': testkit
}
const sourceDirs = ['interface', 'identity', 'transport', 'pipeline', 'platform', 'chat', 'testkit']

type ErrorClass = abstract new (...args: never[]) => iface.PipesError

function isPipesErrorClass (value: unknown): value is ErrorClass {
  return typeof value === 'function' && value !== iface.PipesError && value.prototype instanceof iface.PipesError
}

interface Declared { doc: string, codes: string[] }

// Class name -> its TSDoc and the codes its body passes to super (or its code type's literals).
async function declaredErrors (): Promise<Map<string, Declared>> {
  const out = new Map<string, Declared>()
  for (const dir of sourceDirs) {
    const file = fileURLToPath(new URL(`../../${dir}/src/errors.ts`, import.meta.url))
    const text = await readFile(file, 'utf8').catch(() => '')
    const decl = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)?\s*export class (\w+) extends \w+ \{([\s\S]*?)\n\}/g
    for (const m of text.matchAll(decl)) {
      const [, doc = '', name = '', body = ''] = m
      let codes = [...body.matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map(c => c[1] as string)
      const codeType = /constructor \(code: (\w+)/.exec(body)?.[1]
      if (codes.length === 0 && codeType !== undefined) {
        const alias = new RegExp(`type ${codeType} = ([^\\n]+)`).exec(text)?.[1] ?? ''
        codes = [...alias.matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map(c => c[1] as string)
      }
      expect(out.has(name), `${name} is declared twice`).toBe(false)
      out.set(name, { doc: doc.replace(/^\/\*\*|\*\/$|^\s*\* ?/gm, '').trim(), codes })
    }
  }
  return out
}

describe('error codes across every package', () => {
  it('each exported PipesError subclass has a TSDoc meaning and its own codes, unique across packages', async () => {
    const declared = await declaredErrors()
    const classes = new Map<ErrorClass, string>()
    for (const [pkg, exports] of Object.entries(packages)) {
      for (const [name, value] of Object.entries(exports)) {
        if (isPipesErrorClass(value) && !classes.has(value)) classes.set(value, `${pkg} ${name}`)
      }
    }
    expect(classes.size).toBeGreaterThan(40)

    const owner = new Map<string, string>()
    for (const [cls, where] of classes) {
      const found = declared.get(cls.name)
      expect(found, `${where}: no declaration of ${cls.name} in any src/errors.ts`).toBeDefined()
      expect(found?.doc.length ?? 0, `${where} has no TSDoc saying what it means`).toBeGreaterThan(20)
      expect(found?.codes.length ?? 0, `${where} has no ERR_ code`).toBeGreaterThan(0)
      for (const code of found?.codes ?? []) {
        const other = owner.get(code)
        expect(other, `${code} is used by ${other} and ${where}`).toBeUndefined()
        owner.set(code, where)
      }
    }
  })
})
