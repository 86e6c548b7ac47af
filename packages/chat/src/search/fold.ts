/**
 * How the search sees text: words are runs of letters, digits and their
 * marks; a term is a word with case and diacritics folded (NFKD, marks
 * dropped, lower case), so "Café", "CAFE" and "café" are one term.
 */

/** Words of a text with where they are (UTF-16 offsets, end exclusive). */
export interface WordSpan {
  readonly word: string
  readonly start: number
  readonly end: number
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu
const MARKS = /\p{M}+/gu

/** The folded term of a word (case and diacritics folded). */
export function foldTerm (word: string): string {
  return word.normalize('NFKD').replace(MARKS, '').toLowerCase()
}

/** The words of `text`, in order, with their offsets. */
export function wordSpans (text: string): WordSpan[] {
  const out: WordSpan[] = []
  for (const m of text.matchAll(WORD)) out.push({ word: m[0], start: m.index, end: m.index + m[0].length })
  return out
}

/** The words of `text`, in order (the index's tokenizer). */
export function words (text: string): string[] {
  return text.match(WORD) ?? []
}
