import type { Enricher } from './types.js';

/** A path as one POSIX shell word: left as it is when safe, else single-quoted. */
export function shellQuote(value: string): string {
  const word = value.startsWith('-') ? `./${value}` : value;
  return /^[A-Za-z0-9_/.,:@%+=~-]+$/.test(word) && !word.startsWith('~') ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The key file's path quoted for the `chmod` in the remediation, so a path with spaces or quotes still works. */
export const filePrivateKeyEnricher: Enricher = {
  type: 'file.private-key',
  enrich(resource) {
    return { shellPath: shellQuote(typeof resource.data.path === 'string' ? resource.data.path : '') };
  },
};
