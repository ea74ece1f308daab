// Benchmarks are plain Node scripts, but the moto harness is TypeScript (test/support/moto.ts).
// Rather than keep a second copy of it, transpile it with the TypeScript compiler the project
// already depends on, into a temporary directory, and import that. Its relative imports
// (`./moto-shims.js` …) are transpiled beside it, with the same names, so they resolve there.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const RELATIVE_IMPORT = /from\s+'(\.\/[^']+)\.js'/g;

/** Transpiles `file` and the relative imports it reaches into `dir`; returns the output path. */
function transpileInto(file, dir, done) {
  const out = path.join(dir, path.basename(file).replace(/\.ts$/, '.js'));
  if (done.has(out)) return out;
  done.add(out);
  const source = readFileSync(file, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  writeFileSync(out, outputText);
  for (const [, rel] of outputText.matchAll(RELATIVE_IMPORT)) transpileInto(path.join(path.dirname(file), `${rel}.ts`), dir, done);
  return out;
}

/** Import a TypeScript module whose imports are node: built-ins, packages, or sibling TypeScript files. */
export async function importTs(file) {
  const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-bench-'));
  // `.js` outputs are ES modules: say so, whatever package.json is (or is not) above tmpdir.
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  try {
    return await import(pathToFileURL(transpileInto(file, dir, new Set())).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
