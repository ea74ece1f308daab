#!/usr/bin/env node
import { constants } from 'node:os';
import { hideBin } from 'yargs/helpers';
import { EXIT, run } from './app.js';
import { describeFsError, removeUnfinishedWrites } from './write-file.js';

/**
 * SIGINT (Ctrl-C) and SIGTERM (a CI job cancelled, a container stopped) end the run at once,
 * without a half-written file: reports are written to a temporary file and renamed into place
 * (write-file.ts), and the temporary files of writes still under way are removed here. The
 * exit code is the shell's for a death by that signal (130, 143), so callers see what happened.
 */
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeUnfinishedWrites();
    // On a terminal, clear a progress line first.
    const clear = process.stderr.isTTY ? '\r\x1b[K' : '';
    process.stderr.write(
      `${clear}awsaudit: interrupted (${signal}); reports not yet written were not written, earlier files are unchanged\n`,
    );
    process.exit(128 + constants.signals[signal]);
  });
}

/**
 * A reader that stops early (`awsaudit scan | head`) closes the pipe: what it did not read it
 * did not want, so EPIPE is not an error and the run keeps its exit code. Any other failure to
 * write standard output or error (a full disk behind `> file`) means a report was lost: exit 2.
 */
let outputLost = false;
for (const [stream, name] of [
  [process.stdout, 'standard output'],
  [process.stderr, 'standard error'],
] as const) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    outputLost = true;
    process.exitCode = EXIT.error;
    if (stream !== process.stderr) process.stderr.write(`awsaudit: cannot write ${name}: ${describeFsError(error)}\n`);
  });
}

const code = await run(hideBin(process.argv));
process.exitCode = outputLost ? EXIT.error : code;
