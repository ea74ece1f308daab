#!/usr/bin/env node
// Compiles the WebAssembly text files and embeds each one's bytes (base64) in its TypeScript module,
// between the `wasm:begin` and `wasm:end` lines: src/secrets/key-id-runs.wat in key-id-runs.ts,
// src/cloudtrail/delivered-scan.wat in delivered-scan.ts. Run it after changing a .wat; tests check
// that the embedded bytes are the ones this gives.
//   node scripts/build-wasm.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const MODULES = [
  { wat: '../src/secrets/key-id-runs.wat', ts: '../src/secrets/key-id-runs.ts' },
  { wat: '../src/cloudtrail/delivered-scan.wat', ts: '../src/cloudtrail/delivered-scan.ts' },
].map(({ wat, ts }) => ({ wat: fileURLToPath(new URL(wat, import.meta.url)), ts: fileURLToPath(new URL(ts, import.meta.url)) }));

async function compile(file) {
  const wabt = await wabtInit();
  const module = wabt.parseWat(file.split('/').pop(), readFileSync(file, 'utf8'));
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer).toString('base64');
  } finally {
    module.destroy();
  }
}

export const compileKeyIdRuns = () => compile(MODULES[0].wat);
export const compileDeliveredScan = () => compile(MODULES[1].wat);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { wat, ts: target } of MODULES) {
    const base64 = await compile(wat);
    const ts = readFileSync(target, 'utf8');
    const updated = ts.replace(/(\/\/ wasm:begin\n)[^]*?(\n\s*\/\/ wasm:end)/, `$1const WASM = '${base64}';$2`);
    const name = target.split('/').slice(-2).join('/');
    if (process.argv.includes('--check')) {
      if (updated !== ts) {
        console.error(`src/${name}: the embedded WebAssembly is not its .wat compiled; run node scripts/build-wasm.mjs`);
        process.exitCode = 1;
      }
    } else if (updated !== ts) {
      writeFileSync(target, updated);
      console.log(`${name}: embedded ${Buffer.from(base64, 'base64').length} bytes`);
    }
  }
}
