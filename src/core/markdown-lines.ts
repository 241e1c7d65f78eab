/**
 * The few CommonMark line rules the log depends on, shared by the parser and
 * the formatter's escaping so that both read a line the same way. Every
 * function looks at `text[start, end)`: one line without its line break.
 */

/** A fenced code block being read: its fence character and length. */
export interface Fence {
  char: number;
  length: number;
}

const SPACE = 32;
const TAB = 9;
const BACKTICK = 96;
const TILDE = 126;
const HASH = 35;

/**
 * Offset of the first character after at most three leading spaces, or -1
 * when the line is indented four or more (then it is never structure).
 */
export function blockStart(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && text.charCodeAt(i) === SPACE) {
    i++;
    if (i - start > 3) return -1;
  }
  return i;
}

/** True when the line holds only spaces and tabs. */
export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

/** The fence a line opens (`at` = its blockStart), or undefined. */
export function fenceOpener(text: string, at: number, end: number): Fence | undefined {
  const c = text.charCodeAt(at);
  if (c !== BACKTICK && c !== TILDE) return undefined;
  let i = at;
  while (i < end && text.charCodeAt(i) === c) i++;
  const length = i - at;
  if (length < 3) return undefined;
  if (c === BACKTICK) {
    // Only look within the line: a search to the end of the file would make parsing quadratic.
    for (let j = i; j < end; j++) if (text.charCodeAt(j) === BACKTICK) return undefined;
  }
  return { char: c, length };
}

/** True when the line (`at` = its blockStart) closes `fence`. */
export function closesFence(text: string, at: number, end: number, fence: Fence): boolean {
  if (text.charCodeAt(at) !== fence.char) return false;
  let i = at;
  while (i < end && text.charCodeAt(i) === fence.char) i++;
  if (i - at < fence.length) return false;
  return isBlank(text, i, end);
}

/** The ATX heading level (1-6) of a line (`at` = its blockStart), or 0. */
export function atxLevel(text: string, at: number, end: number): number {
  let i = at;
  while (i < end && text.charCodeAt(i) === HASH) i++;
  const level = i - at;
  if (level === 0 || level > 6) return 0;
  if (i === end) return level;
  const c = text.charCodeAt(i);
  return c === SPACE || c === TAB ? level : 0;
}

/** A heading's content: without the `#`s, surrounding whitespace and closing sequence. */
export function atxContent(text: string, at: number, end: number, level: number): string {
  // As text.slice(at + level, end).trim(), then without a closing sequence, then trimEnd(): one slice.
  let from = at + level;
  let to = end;
  while (from < to && isTrimmed(text.charCodeAt(from))) from++;
  while (to > from && isTrimmed(text.charCodeAt(to - 1))) to--;
  // A closing sequence is a run of `#` preceded by a space (or the whole content).
  let j = to;
  while (j > from && text.charCodeAt(j - 1) === HASH) j--;
  if (j < to && (j === from || text.charCodeAt(j - 1) === SPACE || text.charCodeAt(j - 1) === TAB)) {
    to = j;
    while (to > from && isTrimmed(text.charCodeAt(to - 1))) to--;
  }
  return text.slice(from, to);
}

/** True for what String.prototype.trim removes. */
function isTrimmed(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}
