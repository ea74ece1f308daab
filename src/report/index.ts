import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

/** Every output format, with the file extension used under --output-dir. */
export const FORMATS = {
  text: { formatter: formatText, extension: 'txt' },
  json: { formatter: formatJson, extension: 'json' },
  sarif: { formatter: formatSarif, extension: 'sarif' },
  html: { formatter: formatHtml, extension: 'html' },
} as const satisfies Record<string, { formatter: Formatter; extension: string }>;

export type FormatName = keyof typeof FORMATS;

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(FORMATS, name);
}
