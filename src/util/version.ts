import { readFileSync } from 'node:fs';
import { fromRoot } from './paths.js';

let cached: string | undefined;

export function toolVersion(): string {
  cached ??= (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;
  return cached;
}

export const TOOL_NAME = 'awsaudit';
export const TOOL_URI = 'https://github.com/awsaudit/awsaudit';
