// Preloaded with `node --import` (NODE_OPTIONS) by test/startup.test.ts: records the URL of
// every module the process resolves, ESM and CommonJS alike, one per line, in the file named by
// AWSAUDIT_IMPORT_LOG. Node runs these hooks on a thread of their own, hence the file.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { file: process.env.AWSAUDIT_IMPORT_LOG } });
