/** What the progress display shows; read when it redraws. */
export interface ProgressState {
  tasksDone: number;
  tasksTotal: number;
  calls: number;
  resources: number;
  gaps: number;
}

export interface Progress {
  /** Something changed; redraws at most every 100 ms. */
  update(): void;
  /** Clears the line and prints a one-line summary. */
  finish(summary: string): void;
}

const NO_PROGRESS: Progress = { update() {}, finish() {} };

/**
 * A one-line progress display on stderr, redrawn in place. Only on a terminal: when stderr
 * is a pipe or a file (CI logs), or with --quiet, nothing is written at all.
 */
export function createProgress(stream: NodeJS.WriteStream, enabled: boolean, state: () => ProgressState): Progress {
  if (!enabled || !stream.isTTY) return NO_PROGRESS;
  let last = 0;
  const draw = () => {
    const s = state();
    const line = `collecting: ${s.tasksDone}/${s.tasksTotal} service-regions · ${s.calls} API calls · ${s.resources} resources${s.gaps ? ` · ${s.gaps} gap(s)` : ''}`;
    const width = Math.max(20, (stream.columns || 80) - 1);
    stream.write(`\r\x1b[K${line.slice(0, width)}`);
  };
  return {
    update() {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw();
    },
    finish(summary) {
      stream.write(`\r\x1b[K${summary}\n`);
    },
  };
}
