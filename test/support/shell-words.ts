// A POSIX shell word splitter (XCU 2.3 token recognition and 2.2 quoting), for checking that a
// printed command runs as printed: what the shell would hand to `aws` as its arguments.
// Written here because no maintained splitter is a dependency of the project; it does what
// the checks need and no more: quoting, escapes, comments and control/redirection operators.
// Expansions ($VAR, $(…), `…`) are not performed; they are reported so a check can refuse
// command substitution that came from data.

export type ShellToken = { word: string } | { op: string };

export interface ShellParse {
  tokens: ShellToken[];
  /** Command substitutions ($(…) or `…`) outside single quotes: text that would run. */
  substitutions: string[];
}

const OPERATORS = ['&&', '||', ';;', '>>', '<<', '>&', '<&', '>|', '<>', '&', '|', ';', '<', '>', '(', ')'];
const BLANK = new Set([' ', '\t', '\n']);

export class ShellSyntaxError extends Error {}

export function shellWords(line: string): ShellParse {
  const tokens: ShellToken[] = [];
  const substitutions: string[] = [];
  let word = '';
  let inWord = false; // a word has begun (possibly empty, as '' is)
  const end = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') {
      // Backslash-newline is a line continuation; otherwise the next character is literal.
      if (line[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (i + 1 >= line.length) throw new ShellSyntaxError('a backslash at the end of the command');
      word += line[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close === -1) throw new ShellSyntaxError(`unterminated single quote at ${i}`);
      word += line.slice(i + 1, close);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= line.length) throw new ShellSyntaxError('unterminated double quote');
        const d = line[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1]!)) {
          if (line[i + 1] !== '\n') word += line[i + 1];
          i += 2;
          continue;
        }
        const sub = substitutionAt(line, i);
        if (sub) {
          substitutions.push(sub);
          word += sub;
          i += sub.length;
          continue;
        }
        word += d;
        i++;
      }
      continue;
    }
    if (BLANK.has(c)) {
      end();
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      // A comment runs to the end of the line.
      const nl = line.indexOf('\n', i);
      i = nl === -1 ? line.length : nl;
      continue;
    }
    const op = OPERATORS.find((o) => line.startsWith(o, i));
    if (op) {
      end();
      tokens.push({ op });
      i += op.length;
      continue;
    }
    const sub = substitutionAt(line, i);
    if (sub) {
      substitutions.push(sub);
      word += sub;
      inWord = true;
      i += sub.length;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  end();
  return { tokens, substitutions };
}

/** The command substitution starting at `i` (`…` or $(…), to its closing character, nesting not followed), if one does. */
function substitutionAt(line: string, i: number): string | undefined {
  if (line[i] === '`') {
    const close = line.indexOf('`', i + 1);
    if (close === -1) throw new ShellSyntaxError('unterminated backquote');
    return line.slice(i, close + 1);
  }
  if (line[i] === '$' && line[i + 1] === '(') {
    const close = line.indexOf(')', i + 2);
    if (close === -1) throw new ShellSyntaxError('unterminated $(');
    return line.slice(i, close + 1);
  }
  return undefined;
}

/** The simple commands of a command line: the words of each, redirections and their targets left out. */
export function simpleCommands(parse: ShellParse): string[][] {
  const commands: string[][] = [[]];
  let skipNext = false;
  for (const t of parse.tokens) {
    if ('op' in t) {
      if (['>', '>>', '<', '>|', '<>', '>&', '<&'].includes(t.op)) skipNext = true;
      else commands.push([]);
      continue;
    }
    if (skipNext) {
      skipNext = false;
      continue;
    }
    commands.at(-1)!.push(t.word);
  }
  return commands.filter((c) => c.length > 0);
}
