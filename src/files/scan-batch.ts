import { nameText, type FsPath } from '../util/byte-paths.js';
import { buildFileKind, type BuildFileKind } from './build-files.js';
import type { ContentScanner, FileRead } from '../secrets/scan-content.js';

/** What a batch of files gave: totals for all, details only for the files that matter. */
export interface BatchResult {
  files: number;
  bytes: number;
  binary: number;
  placeholders: number;
  /** Files that could not be read, hold a key or a private key, are build/deploy files (with their text), or hold text in a wide encoding. */
  notable: Array<{ index: number; kind: BuildFileKind | undefined; read: FileRead }>;
}

/**
 * Read and scan a batch of files. Runs in a worker thread (or the main one); it sends back
 * details only for the few files that matter, so passing results between threads stays cheap.
 */
export async function scanBatch(scanner: ContentScanner, paths: readonly FsPath[]): Promise<BatchResult> {
  const result: BatchResult = { files: 0, bytes: 0, binary: 0, placeholders: 0, notable: [] };
  const kinds = paths.map((p) => {
    const absPath = nameText(p);
    return buildFileKind(process.platform === 'win32' ? absPath.replaceAll('\\', '/') : absPath);
  });
  await scanner.scanFiles(
    paths,
    (index) => kinds[index] !== undefined,
    (index, read) => {
      const content = read.content;
      const kind = kinds[index];
      if (content) {
        result.files++;
        result.bytes += content.bytes;
        if (content.binary) result.binary++;
        result.placeholders += content.placeholders;
      }
      if (
        !content ||
        content.wideText ||
        (!content.binary &&
          (kind !== undefined ||
            content.keyIds.length > 0 ||
            content.privateKeys.length > 0 ||
            content.secretKeys.length > 0 ||
            content.bedrockKeys.length > 0))
      ) {
        result.notable.push({ index, kind, read });
      }
    },
  );
  // Packed files are reported when scanned, after files read alone that came later.
  result.notable.sort((a, b) => a.index - b.index);
  return result;
}
