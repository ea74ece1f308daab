// The collection machinery (src/collect/types.ts) knows no service: importing the services list
// would make every service import itself back. The compiler still holds each collector to its
// own resource types and clients, through the machinery's generics. Each snippet below is
// compiled against the real src/collect/types.ts: the well-typed one must compile, and each
// collector that oversteps must fail on the line marked `// error`, and only there.
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

const HEADER = `import type { CollectFunction, Collector } from '../collect/types.js';
interface Base { readonly middlewareStack: object; destroy(): void }
interface AClient extends Base { send(command: 'a'): Promise<string> }
interface BClient extends Base { receive(command: 'b'): Promise<number> }
declare const fn: CollectFunction<'t.a', { a: AClient }>;
declare const collector: Collector<'t.a', { a: AClient }>;
export type { BClient };
`;

/** Snippet bodies by name; `// error` marks the one line that must not compile. */
const SNIPPETS: Record<string, string> = {
  'well-typed': `
export const f: CollectFunction<'t.a', { a: AClient }> = async (ctx) => {
  const r = await ctx.call('A', ['t.a'], () => ctx.client('a').send('a'));
  if (ctx.wants('t.a') && r.status === 'ok') ctx.add({ type: 't.a', id: r.value, data: {} });
};
export const c: Collector<'t.a', { a: AClient }> = {
  descriptor: { id: 'a', service: 'a', scope: 'regional', produces: ['t.a'], commands: [{ command: 'ACommand', action: 'a:A', for: ['t.a'] }] },
  load: async () => f,
};
// The registry's view: more types, more clients, the same client under the same name.
export const all: ReadonlyArray<Collector<'t.a' | 't.b', { a: AClient; b: BClient }>> = [c, collector];
export const g: CollectFunction<'t.a' | 't.b', { a: AClient; b: BClient }> = fn;
`,
  'adds a type it does not produce': `
export const f: CollectFunction<'t.a', { a: AClient }> = async (ctx) => {
  ctx.add({ type: 't.b', id: 'x', data: {} }); // error
};
`,
  'calls for a type it does not produce': `
export const f: CollectFunction<'t.a', { a: AClient }> = async (ctx) => {
  await ctx.call('A', ['t.b'], async () => 1); // error
};
`,
  'asks whether a type it does not produce is wanted': `
export const f: CollectFunction<'t.a', { a: AClient }> = async (ctx) => {
  ctx.wants('t.b'); // error
};
`,
  'asks for a client it does not declare': `
export const f: CollectFunction<'t.a', { a: AClient }> = async (ctx) => {
  ctx.client('b'); // error
};
`,
  'uses a client as another kind': `
export const f: CollectFunction<'t.a', { a: AClient }> = async (ctx) => {
  await ctx.client('a').receive('b'); // error
};
`,
  'a descriptor that produces another type': `
export const c: Collector<'t.a', { a: AClient }> = {
  descriptor: { id: 'a', service: 'a', scope: 'regional', produces: ['t.b'], commands: [] }, // error
  load: async () => fn,
};
`,
  'a descriptor that sends through another client': `
export const c: Collector<'t.a', { a: AClient }> = {
  descriptor: { id: 'a', service: 'b', scope: 'regional', produces: ['t.a'], commands: [] }, // error
  load: async () => fn,
};
`,
  'code typed for other types than its declaration': `
declare const other: CollectFunction<'t.b', { a: AClient }>;
export const c: Collector<'t.a', { a: AClient }> = {
  descriptor: { id: 'a', service: 'a', scope: 'regional', produces: ['t.a'], commands: [] },
  load: async () => other, // error
};
`,
  'code that may add more types than its declaration produces': `
declare const wider: CollectFunction<'t.a' | 't.b', { a: AClient }>;
export const c: Collector<'t.a', { a: AClient }> = {
  descriptor: { id: 'a', service: 'a', scope: 'regional', produces: ['t.a'], commands: [] },
  load: async () => wider, // error
};
`,
  'code that uses more clients than its declaration names': `
declare const wider: CollectFunction<'t.a', { a: AClient; b: BClient }>;
export const c: Collector<'t.a', { a: AClient }> = {
  descriptor: { id: 'a', service: 'a', scope: 'regional', produces: ['t.a'], commands: [] },
  load: async () => wider, // error
};
`,
  'a registry where its client name holds another client': `
export const all: ReadonlyArray<Collector<'t.a', { a: BClient }>> = [collector]; // error
`,
  'a registry without its type': `
export const all: ReadonlyArray<Collector<'t.b', { a: AClient }>> = [collector]; // error
`,
};

/** Errors of each snippet, as the 1-based line numbers of its body they are reported on. */
function compile(): Map<string, Array<{ line: number; text: string }>> {
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  // Virtual files next to src/collect/, so that they import it as src/ does.
  const dir = path.join(ROOT, 'src', '__collector_types__');
  const files = new Map(Object.keys(SNIPPETS).map((name, i) => [path.join(dir, `s${i}.ts`), name]));
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => (files.has(f) ? HEADER + SNIPPETS[files.get(f)!] : readFile(f));
  host.getSourceFile = (f, version, onError, create) =>
    files.has(f) ? ts.createSourceFile(f, HEADER + SNIPPETS[files.get(f)!], version) : getSourceFile(f, version, onError, create);
  const program = ts.createProgram([...files.keys()], { ...options, noEmit: true }, host);
  const headerLines = HEADER.split('\n').length - 1;
  const out = new Map<string, Array<{ line: number; text: string }>>();
  for (const [file, name] of files) {
    const source = program.getSourceFile(file)!;
    out.set(
      name,
      [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
        line: source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 - headerLines,
        text: ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!,
      })),
    );
  }
  return out;
}

describe('collector types', () => {
  const errors = compile();
  for (const [name, body] of Object.entries(SNIPPETS)) {
    const marked = body.split('\n').flatMap((line, i) => (line.endsWith('// error') ? [i + 1] : []));
    it(marked.length ? `reject: ${name}` : `accept: ${name}`, () => {
      expect(marked.length).toBeLessThanOrEqual(1);
      const found = errors.get(name)!;
      if (marked.length === 0) expect(found).toEqual([]);
      else expect([...new Set(found.map((e) => e.line))], found.map((e) => e.text).join('\n')).toEqual(marked);
    });
  }
});
