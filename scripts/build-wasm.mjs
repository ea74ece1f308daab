#!/usr/bin/env node
// Compiles src/secrets/key-id-runs.wat and embeds the bytes (base64) in src/secrets/key-id-runs.ts,
// between the `wasm:begin` and `wasm:end` lines. Run it after changing the .wat; a test checks
// that the embedded bytes are the ones this gives.
//   node scripts/build-wasm.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const source = fileURLToPath(new URL('../src/secrets/key-id-runs.wat', import.meta.url));
const target = fileURLToPath(new URL('../src/secrets/key-id-runs.ts', import.meta.url));

export async function compileKeyIdRuns() {
  const wabt = await wabtInit();
  const module = wabt.parseWat('key-id-runs.wat', readFileSync(source, 'utf8'));
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer).toString('base64');
  } finally {
    module.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const base64 = await compileKeyIdRuns();
  const ts = readFileSync(target, 'utf8');
  const updated = ts.replace(/(\/\/ wasm:begin\n)[^]*?(\n\s*\/\/ wasm:end)/, `$1const WASM = '${base64}';$2`);
  if (process.argv.includes('--check')) {
    if (updated !== ts) {
      console.error(
        'src/secrets/key-id-runs.ts: the embedded WebAssembly is not key-id-runs.wat compiled; run node scripts/build-wasm.mjs',
      );
      process.exit(1);
    }
  } else if (updated !== ts) {
    writeFileSync(target, updated);
    console.log(`key-id-runs.ts: embedded ${Buffer.from(base64, 'base64').length} bytes`);
  }
}
