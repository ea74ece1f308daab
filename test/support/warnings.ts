// The warning ids of docs/WARNINGS.md, where the built-in rules come from. Only the tests need
// them (a built-in rule's `source` names them); the product treats `source` as free text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

export const WARNINGS_DOC = readFileSync(path.join(ROOT, 'docs', 'WARNINGS.md'), 'utf8');
export const WARNING_IDS: readonly string[] = [...WARNINGS_DOC.matchAll(/^\| ([A-I][0-9]+) \|/gm)].map((m) => m[1]!);
