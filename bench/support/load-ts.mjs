// Benchmarks are plain Node scripts, but the moto harness is TypeScript (test/support/moto.ts).
// Rather than keep a second copy of it, transpile it with the TypeScript compiler the project
// already depends on, into a temporary .mjs file, and import that.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Import a self-contained TypeScript module (its imports must be node: built-ins or packages). */
export async function importTs(file) {
  const source = readFileSync(file, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'awsaudit-bench-'));
  const out = path.join(dir, path.basename(file).replace(/\.ts$/, '.mjs'));
  writeFileSync(out, outputText);
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
