import { compilePath, type PathGetter } from './path.js';

export type Template = (context: unknown) => string;

const PLACEHOLDER = /\{\{\s*(.+?)\s*\}\}/g;

/** Compile a message template with {{ jmespath }} placeholders. Throws on an invalid expression. */
export function compileTemplate(text: string): Template {
  const parts: Array<string | PathGetter> = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    let getter: PathGetter;
    try {
      getter = compilePath(m[1]!);
    } catch (error) {
      throw new Error(`placeholder {{${m[1]}}}: ${error instanceof Error ? error.message : String(error)}`);
    }
    parts.push(getter);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  // One reused array per template (rendering never nests), joined into a flat string.
  const pieces = new Array<string>(parts.length);
  return (context) => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      pieces[i] = typeof p === 'string' ? p : formatValue(p(context));
    }
    return pieces.join('');
  };
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'unknown';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  return JSON.stringify(value);
}
