import type { EventProgress } from './pipeline.js';

/**
 * A one-line progress display on stderr (files/objects/pages and events so far), redrawn at most
 * five times a second, only on a TTY. `done` clears the line.
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): { update: (p: EventProgress) => void; done: () => void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      stream.write(
        `\r\x1b[2Kcloudtrail: ${p.chunks.toLocaleString('en-US')} file(s)/page(s), ${p.events.toLocaleString('en-US')} event(s) in window of ${p.records.toLocaleString('en-US')} read`,
      );
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
