import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root (where package.json, rules/ and rules.schema.json live), from dist/ or src/. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function fromRoot(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}

/** A path for messages: relative to the working directory when that is shorter. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && rel.length < file.length ? rel : file;
}
