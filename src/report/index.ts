import { formatAsff } from './asff.js';
import { formatCsv } from './csv.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatOcsf } from './ocsf.js';
import { sanitized } from './sanitize.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

/**
 * Every output format, with the file extension used under --output-dir. Each formatter sees
 * the evaluation only through the secret sanitiser (sanitize.ts): no format can leave it out.
 */
export const FORMATS = {
  text: { formatter: sanitized(formatText), extension: 'txt' },
  json: { formatter: sanitized(formatJson), extension: 'json' },
  sarif: { formatter: sanitized(formatSarif), extension: 'sarif' },
  html: { formatter: sanitized(formatHtml), extension: 'html' },
  markdown: { formatter: sanitized(formatMarkdown), extension: 'md' },
  csv: { formatter: sanitized(formatCsv), extension: 'csv' },
  ocsf: { formatter: sanitized(formatOcsf), extension: 'ocsf.json' },
  asff: { formatter: sanitized(formatAsff), extension: 'asff.json' },
} as const satisfies Record<string, { formatter: Formatter; extension: string }>;

export type FormatName = keyof typeof FORMATS;

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(FORMATS, name);
}
