/**
 * User text (model and layer names, notes) made safe for the C99 the emitter writes: a name with a
 * newline, a comment delimiter, a trigraph or a non-ASCII character must neither end a comment,
 * nor break a string literal, nor trip `gcc -std=c99 -Wall -Wextra -Werror`. (No C identifier is
 * made from user text: every identifier the emitter writes is its own, `msf_` / `MSF_`.)
 */

/** Printable ASCII, at most `max` characters; anything else becomes '_'. */
function printable(s: string, max: number): string {
  const t = s.replace(/[^\x20-\x7e]/g, '_');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** Text inside a block comment: no comment delimiters, no trigraphs, no line splices. */
export function cComment(s: string): string {
  return printable(s, 200).replace(/\\/g, '/').replace(/\/\*|\*\//g, (d) => `${d[0]} ${d[1]}`).replace(/\?\?/g, '? ?');
}

/** A C string literal (quotes included): escaped quotes and backslashes, "??" split so no trigraph forms. */
export function cString(s: string): string {
  return `"${printable(s, 200).replace(/[\\"]/g, (c) => `\\${c}`).replace(/\?\?/g, '?\\?')}"`;
}
