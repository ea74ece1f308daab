/** What a command hands back to `run` (src/cli/app.ts): commands set `code`; yargs reports usage errors itself. */
export interface CommandResult {
  code: number;
}
