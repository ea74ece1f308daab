/**
 * Build and deploy files (Dockerfile, compose files, CodeBuild buildspecs, CI pipelines,
 * Procfiles, deploy scripts): the lines rules care about, found by name and pattern.
 *
 * - Development servers started on every interface from a container or process command
 *   (`manage.py runserver 0:8000` in a Dockerfile CMD, as in the notes): G3.
 * - AWS account ids written into the file (an ECR registry host, an ARN, an ACCOUNT_ID=
 *   assignment), which the notes later moved to Parameter Store: A7.
 */
import path from 'node:path';
import { ACCESS_KEY_ID_SOURCE, maskKeyId } from '../secrets/access-key-id.js';
import { splitLines } from '../secrets/lines.js';

export const BUILD_FILE_KINDS = ['dockerfile', 'compose', 'buildspec', 'appspec', 'procfile', 'ci', 'deploy-script'] as const;
export type BuildFileKind = (typeof BUILD_FILE_KINDS)[number];

/**
 * Every build/deploy file name ends in .yml, .yaml, .sh or "file", or starts with dockerfile
 * or containerfile: a look at its last and first letters turns away nearly all the other files
 * of a scan before the patterns below run.
 */
function maybeBuildFile(filePath: string): boolean {
  const last = filePath.charCodeAt(filePath.length - 1) | 0x20; // lower case
  if (last === 0x6c /* l */ || last === 0x68 /* h */ || last === 0x65 /* e */) return true;
  const first = filePath.charCodeAt(filePath.lastIndexOf('/') + 1) | 0x20;
  return first === 0x64 /* d */ || first === 0x63; /* c */
}

/** The kind of build/deploy file a path is, from its name; undefined for other files. */
export function buildFileKind(filePath: string): BuildFileKind | undefined {
  if (!maybeBuildFile(filePath)) return undefined;
  const name = path.posix.basename(filePath);
  const lower = name.toLowerCase();
  if (/^(dockerfile|containerfile)([.-][\w.-]+)?$/.test(lower) || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (/^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(lower)) return 'compose';
  if (/^buildspec([.-][\w.-]+)?\.ya?ml$/.test(lower)) return 'buildspec';
  if (/^appspec\.ya?ml$/.test(lower)) return 'appspec';
  if (name === 'Procfile') return 'procfile';
  if (
    /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(filePath) ||
    /^(\.gitlab-ci|azure-pipelines|bitbucket-pipelines)\.ya?ml$/.test(lower) ||
    name === 'Jenkinsfile'
  )
    return 'ci';
  if (/(^|\/)\.circleci\/config\.ya?ml$/.test(filePath)) return 'ci';
  if (/^deploy[\w.-]*\.sh$/.test(lower)) return 'deploy-script';
  return undefined;
}

export interface DevServer {
  line: number;
  column: number;
  framework: string;
  /** true when it listens on 0.0.0.0 / :: (reachable from outside the container or host). */
  bindsAllInterfaces: boolean;
  /** The command, trimmed to 160 characters, with any key id masked. */
  command: string;
}

export interface AccountIdUse {
  line: number;
  column: number;
  accountId: string;
  context: 'ecr-registry' | 'arn' | 'assignment';
}

const ALL = '(?:0|0\\.0\\.0\\.0|::|\\[::\\])';

// On a command with quotes, brackets and commas turned into spaces (so the exec form
// CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"] reads like the shell form).
const DEV_SERVERS: Array<{ framework: string; pattern: RegExp; allInterfaces: RegExp }> = [
  {
    framework: 'Django runserver',
    pattern: /\brunserver\b/,
    allInterfaces: new RegExp(`\\brunserver(?:\\s+--?[\\w-]+)*\\s+${ALL}(?::\\d+)?(?:\\s|$)`),
  },
  { framework: 'Flask development server', pattern: /\bflask\s+run\b/, allInterfaces: new RegExp(`(?:--host|-h)[=\\s]+${ALL}(?:\\s|$)`) },
  { framework: 'Rails server', pattern: /\brails\s+(?:s|server)\b/, allInterfaces: new RegExp(`(?:-b|--binding)[=\\s]+${ALL}(?:\\s|$)`) },
  { framework: 'uvicorn with --reload', pattern: /\buvicorn\b.*--reload/, allInterfaces: new RegExp(`--host[=\\s]+${ALL}(?:\\s|$)`) },
  { framework: 'Laravel artisan serve', pattern: /\bartisan\s+serve\b/, allInterfaces: new RegExp(`--host[=\\s]+${ALL}(?:\\s|$)`) },
  {
    framework: 'JavaScript development server',
    pattern:
      /\b(?:next\s+dev|vite(?:\s+dev)?|ng\s+serve|nuxt\s+dev|webpack(?:-dev-server|\s+serve)|react-scripts\s+start|npm\s+run\s+dev|yarn\s+dev)\b/,
    allInterfaces: new RegExp(`(?:--host|-H)(?:[=\\s]+${ALL})?(?:\\s|$)`),
  },
];

/** Lines that start a process, by kind of file: a Dockerfile's CMD/ENTRYPOINT, compose's command/entrypoint, every Procfile line. */
function isCommandLine(kind: BuildFileKind, line: string): boolean {
  if (kind === 'dockerfile') return /^\s*(CMD|ENTRYPOINT)\b/i.test(line);
  if (kind === 'compose') return /^\s*(-\s*)?(command|entrypoint)\s*:/.test(line);
  return kind === 'procfile';
}

/** Account ids the AWS documentation uses in examples: not anyone's account. */
const EXAMPLE_ACCOUNTS = new Set(['123456789012', '111122223333', '444455556666', '777788889999', '210987654321', '000000000000']);

const ACCOUNT_PATTERNS: Array<{ context: AccountIdUse['context']; pattern: RegExp }> = [
  { context: 'ecr-registry', pattern: /(?<![\d])(\d{12})\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com/g },
  { context: 'arn', pattern: /arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/g },
  { context: 'assignment', pattern: /\b(?:AWS_)?ACCOUNT(?:_?ID)?["']?\s*[:=]\s*["']?(\d{12})(?!\d)/gi },
];

const KEY_ID = new RegExp(ACCESS_KEY_ID_SOURCE, 'g');

function excerpt(line: string): string {
  const trimmed = line.trim().replace(KEY_ID, (id) => maskKeyId(id));
  return trimmed.length > 160 ? `${trimmed.slice(0, 157)}...` : trimmed;
}

/** The lines of interest of one build/deploy file. */
export function analyzeBuildFile(kind: BuildFileKind, text: string): { devServers: DevServer[]; accountIds: AccountIdUse[] } {
  const devServers: DevServer[] = [];
  const accountIds: AccountIdUse[] = [];
  const lines = splitLines(text);
  lines.forEach((line, i) => {
    if (isCommandLine(kind, line)) {
      const command = line.replace(/["'[\],]/g, ' ');
      for (const server of DEV_SERVERS) {
        const m = server.pattern.exec(command);
        if (m) {
          devServers.push({
            line: i + 1,
            column: m.index + 1,
            framework: server.framework,
            bindsAllInterfaces: server.allInterfaces.test(command.slice(m.index)),
            command: excerpt(line),
          });
          break;
        }
      }
    }
    const seen = new Set<string>();
    for (const { context, pattern } of ACCOUNT_PATTERNS) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) {
        const accountId = m[1]!;
        if (EXAMPLE_ACCOUNTS.has(accountId) || seen.has(accountId)) continue;
        seen.add(accountId);
        accountIds.push({ line: i + 1, column: m.index + m[0].indexOf(accountId) + 1, accountId, context });
      }
    }
  });
  return { devServers, accountIds };
}
