// Types for the test that checks the embedded module against a fresh compile (test/files-byte-search.test.ts).
/** key-id-runs.wat compiled to WebAssembly, as base64. */
export function compileKeyIdRuns(): Promise<string>;
