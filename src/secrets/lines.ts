/**
 * Lines as editors count them: `\n` (Unix), `\r\n` (Windows) and a lone `\r` (old Mac OS) each
 * end a line, so a key reported "on line 4" is on the line an editor shows as 4 whatever the
 * file's line endings.
 */
export const LINE_BREAK = /\r\n|\r|\n/;

/** The lines of a text (without their line endings). */
export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}
