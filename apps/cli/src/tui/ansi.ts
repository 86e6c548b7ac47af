/** The few ANSI sequences the chat screen uses (VT100/xterm, understood by every terminal in use). */
export const CSI = '\u001b['
export const ansi = {
  altScreenOn: `${CSI}?1049h`,
  altScreenOff: `${CSI}?1049l`,
  clear: `${CSI}2J`,
  clearLine: `${CSI}2K`,
  reset: `${CSI}0m`,
  inverse: `${CSI}7m`,
  dim: `${CSI}2m`,
  bold: `${CSI}1m`,
  red: `${CSI}31m`,
  moveTo: (row: number, col: number): string => `${CSI}${row};${col}H`,
  fg256: (n: number): string => `${CSI}38;5;${n}m`
}

/** A piece of text with an optional style (one SGR sequence). */
export interface Span { text: string, style?: string }

/** Cuts `spans` into lines at most `width` characters wide (words are not kept whole: chat lines are short). */
export function wrapSpans (spans: Span[], width: number): Span[][] {
  const lines: Span[][] = [[]]
  let used = 0
  for (const span of spans) {
    // control characters (an escape sequence in someone's message) would move the cursor: shown as spaces
    let rest = [...span.text].map(c => c < ' ' || c === '\u007f' ? ' ' : c)
    while (rest.length > 0) {
      if (used === width) { lines.push([]); used = 0 }
      const take = rest.slice(0, width - used)
      rest = rest.slice(take.length);
      (lines[lines.length - 1] as Span[]).push({ text: take.join(''), ...(span.style === undefined ? {} : { style: span.style }) })
      used += take.length
    }
  }
  return lines
}

/** The terminal text of one line of spans, styled or plain. */
export function paint (spans: Span[], colour: boolean): string {
  return spans.map(s => colour && s.style !== undefined ? `${s.style}${s.text}${ansi.reset}` : s.text).join('')
}

/** Cuts plain text to `width` characters (with … when cut). */
export function fit (text: string, width: number): string {
  const chars = [...text]
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join('') + '…'
}
