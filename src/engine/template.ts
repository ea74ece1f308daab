import { compilePath, type PathGetter } from './path.js';

export type Template = (context: unknown) => string;

/**
 * What a placeholder shows when its expression cannot be rendered for this resource (a JMESPath
 * function met a value of the wrong type, or a value nested too deep to print): the finding keeps
 * its evidence, and one odd value in a record or snapshot never stops the run.
 */
export const UNRENDERABLE = '(value of an unexpected type)';

/** The rendered value of one placeholder, or UNRENDERABLE when it cannot be rendered. */
function renderPlaceholder(getter: PathGetter, context: unknown): string {
  try {
    return formatValue(getter(context));
  } catch {
    return UNRENDERABLE;
  }
}

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
      throw new Error(`placeholder {{${m[1]}}}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
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
      pieces[i] = typeof p === 'string' ? p : renderPlaceholder(p, context);
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

/** A command template: returns undefined when a value cannot be placed in the command safely. */
export type ShellTemplate = (context: unknown) => string | undefined;

const SHELL_SAFE = /^[A-Za-z0-9_.:/=@,+%-]+$/;

/**
 * Compile a remediation command template. Values come from AWS or from files and are
 * untrusted: a bucket tag or a file name must not turn a copied fix into another command.
 * A value made only of shell-safe characters is inserted as it is. Otherwise, outside any
 * quotes it is single-quoted; inside a quoted part of the template (e.g. JSON in '…') it
 * cannot be quoted again, so the command is not rendered at all.
 *
 * A list value is placed as words, one per item, each quoted on its own (an empty list places
 * nothing): a template that picks a subcommand and its flags, or a whole optional
 * `--name value` pair, writes `{{cond && ['detach-user-policy', '--user-name'] || …}}`, which a
 * single string with spaces could not do (it would be quoted as one word and not run).
 */
export function compileShellTemplate(text: string): ShellTemplate {
  const parts = compileTemplateParts(text);
  // One reused array per template (rendering never nests), joined into a flat string: a
  // command kept by every finding should not be a chain of concatenations.
  const pieces = new Array<string>(parts.length);
  return (context) => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if ('literal' in part) {
        pieces[i] = part.literal;
        continue;
      }
      let raw: unknown;
      try {
        raw = part.getter(context);
      } catch {
        // A value of the wrong type for the expression: no command rather than a wrong one.
        return undefined;
      }
      // A number's text ("22", "-1", "1e+21", "NaN") is always shell-safe: no test needed.
      if (typeof raw === 'number') {
        pieces[i] = String(raw);
        continue;
      }
      if (Array.isArray(raw)) {
        // Words cannot be placed inside a quoted part: it would make them one word again.
        if (part.quoted) return undefined;
        const words: string[] = [];
        for (const item of raw as unknown[]) {
          let word: string | undefined;
          try {
            word = shellWord(typeof item === 'number' ? String(item) : formatValue(item));
          } catch {
            return undefined;
          }
          if (word === undefined) return undefined;
          words.push(word);
        }
        pieces[i] = words.join(' ');
        continue;
      }
      let value: string;
      try {
        value = formatValue(raw);
      } catch {
        return undefined;
      }
      if (SHELL_SAFE.test(value)) pieces[i] = value;
      else if (part.quoted) return undefined;
      else {
        const word = shellWord(value);
        if (word === undefined) return undefined;
        pieces[i] = word;
      }
    }
    return pieces.join('');
  };
}

/** One shell word for a value: as it is when shell-safe, else single-quoted; undefined for control characters. */
function shellWord(value: string): string | undefined {
  if (SHELL_SAFE.test(value)) return value;
  // eslint-disable-next-line no-control-regex -- a control character cannot be quoted safely for every shell
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

type ShellPart = { literal: string } | { getter: PathGetter; quoted: boolean };

/** A command template's literal text and values, each value knowing whether the text before it left a quote open. */
function compileTemplateParts(text: string): ShellPart[] {
  const parts: ShellPart[] = [];
  let last = 0;
  let single = false;
  let double = false;
  const track = (literal: string) => {
    for (const ch of literal) {
      if (ch === "'" && !double) single = !single;
      else if (ch === '"' && !single) double = !double;
    }
  };
  for (const m of text.matchAll(PLACEHOLDER)) {
    const literal = text.slice(last, m.index);
    parts.push({ literal });
    track(literal);
    let getter: PathGetter;
    try {
      getter = compilePath(m[1]!);
    } catch (error) {
      throw new Error(`placeholder {{${m[1]}}}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    parts.push({ getter, quoted: single || double });
    last = m.index + m[0].length;
  }
  parts.push({ literal: text.slice(last) });
  return parts;
}
