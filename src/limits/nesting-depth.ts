/**
 * Linear scans of request text for bracket nesting, run before a recursive parser sees it.
 * graphql-js's parser and the JSON → variables path recurse once per level, so a document or a
 * JSON body nested a few thousand levels overflows the stack. These scans count `{` and `[`
 * outside strings (and, in GraphQL, comments) and stop as soon as the bound is passed.
 */

const OPEN_BRACE = 0x7b,
  CLOSE_BRACE = 0x7d,
  OPEN_BRACKET = 0x5b,
  CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  HASH = 0x23,
  NEWLINE = 0x0a,
  RETURN = 0x0d;

/** True when a GraphQL document nests `{`/`[` deeper than `max` (strings, block strings and comments skipped). */
export const documentNestsDeeperThan = (text: string, max: number): boolean => nestsDeeperThan(text, max, true);

/** True when JSON text nests arrays/objects deeper than `max` (string contents skipped). */
export const jsonNestsDeeperThan = (text: string, max: number): boolean => nestsDeeperThan(text, max, false);

function nestsDeeperThan(text: string, max: number, graphql: boolean): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === QUOTE) {
      i =
        graphql && text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE
          ? skipBlockString(text, i)
          : skipString(text, i);
    } else if (c === HASH && graphql) {
      while (i < length && text.charCodeAt(i) !== NEWLINE && text.charCodeAt(i) !== RETURN) i++;
    }
  }
  return false;
}

/** From an opening """, the index of the last quote of the closing one (\""" is an escaped triple quote). */
function skipBlockString(text: string, open: number): number {
  let i = open + 3;
  while (
    i < text.length &&
    !(text.charCodeAt(i) === QUOTE && text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE)
  ) {
    i += text.charCodeAt(i) === BACKSLASH && text.startsWith('"""', i + 1) ? 4 : 1;
  }
  return i + 2;
}

/** From an opening quote, the index of the closing one (or the end of a line/text when unterminated). */
function skipString(text: string, open: number): number {
  let i = open + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE || c === NEWLINE) return i;
  }
  return i;
}
