// Dependencies point one way (docs/ARCHITECTURE.md): no module of src/ may import itself back,
// directly or through others. Type-only and dynamic imports count too: a cycle of types is still
// two layers that cannot be understood (or moved) one without the other.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-cycles-');

/** Every .ts file under `dir` (declaration files hold no imports that run). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** file -> the files of the same tree it imports (static, `import type`, `export … from`, `import()`), read by TypeScript's own scanner. */
function importGraph(dir: string): Map<string, string[]> {
  const files = sourceFiles(dir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      // NodeNext: sources import `./x.js` for `./x.ts`.
      .map((name) => path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts')))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('the detector finds a cycle through a type-only import, a re-export and a dynamic import', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'a'));
    mkdirSync(path.join(dir, 'b'));
    writeFileSync(path.join(dir, 'a', 'one.ts'), "import type { Two } from '../b/two.js';\nexport type One = Two;\n");
    writeFileSync(path.join(dir, 'b', 'two.ts'), "export { three } from './three.js';\nexport type Two = string;\n");
    writeFileSync(path.join(dir, 'b', 'three.ts'), "export const three = () => import('../a/one.js');\n");
    writeFileSync(path.join(dir, 'b', 'alone.ts'), "import { three } from './three.js';\nexport const alone = three;\n");
    const rel = (c: string[]) => c.map((f) => path.relative(dir, f));
    expect(cycles(importGraph(dir)).map(rel)).toEqual([['a/one.ts', 'b/three.ts', 'b/two.ts']]);
  });

  it('src/ has none', () => {
    const src = path.join(ROOT, 'src');
    const graph = importGraph(src);
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph).map((c) => c.map((f) => path.relative(src, f)).join(' -> '))).toEqual([]);
  });
});
