// Types for the tests that check the embedded modules against a fresh compile
// (test/files-byte-search.test.ts, test/cloudtrail-delivered-scan.test.ts).
/** key-id-runs.wat compiled to WebAssembly, as base64. */
export function compileKeyIdRuns(): Promise<string>;
/** delivered-scan.wat compiled to WebAssembly, as base64. */
export function compileDeliveredScan(): Promise<string>;
