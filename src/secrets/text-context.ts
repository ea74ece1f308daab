/**
 * What kind of text a line is, for reports ("the key sits in an `aws configure` transcript")
 * and for telling where a secret was pasted. Judged from the line itself and the file name.
 */
export const TEXT_CONTEXTS = ['aws configure transcript', 'credentials file', 'env', 'json', 'yaml', 'code', 'text'] as const;
export type TextContext = (typeof TEXT_CONTEXTS)[number];

const ENV_FILE = /(^|\/)\.env(\.[\w-]+)?$|\.env$/;
const CREDENTIALS_FILE = /(^|\/)\.aws\/(credentials|config)$|(^|\/)credentials$/;

export function classifyLine(line: string, filePath: string): TextContext {
  if (/AWS (Access Key ID|Secret Access Key) \[/i.test(line)) return 'aws configure transcript';
  if (/^\s*aws_(access_key_id|secret_access_key|session_token)\s*=/.test(line) || CREDENTIALS_FILE.test(filePath))
    return 'credentials file';
  if (/^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/.test(line) || ENV_FILE.test(filePath)) return 'env';
  if (/"[^"]*"\s*:\s*"/.test(line) || /\.json$/i.test(filePath)) return 'json';
  if (/^\s*(- )?[A-Za-z_][\w.-]*\s*:(\s|$)/.test(line) || /\.ya?ml$/i.test(filePath)) return 'yaml';
  if (/[=(:,]\s*['"`]/.test(line)) return 'code';
  return 'text';
}
