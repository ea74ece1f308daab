// The resource types of the local file scan (`--files`), declared through the same shape as
// an AWS service's (src/services/service.ts) and registered in the same list, so the type
// table, `awsaudit rules types` and docs/resources.md cover them too. It has no SDK client
// and no collector: src/files/scan-files.ts produces these resources.
import { boolean, integer, listOf, object, orNull, string } from '../services/data-schema.js';
import type { ResourceTypeTable, Service } from '../services/service.js';
import {
  fileAccessKeyEnricher,
  historyAccessKeyEnricher,
  historyBedrockKeyEnricher,
  historyPrivateKeyEnricher,
  historySecretKeyEnricher,
} from './enrich-access-key.js';

/** Where in git history a secret was first committed (src/files/git-history.ts). */
const COMMITS = {
  repository: string,
  commit: orNull(string),
  commitShort: orNull(string),
  authorDate: orNull(string),
  commitCount: integer,
  otherCommits: listOf(string),
  reachable: boolean,
  inHead: boolean,
};
const COMMITS_TEXT =
  "`repository` (the work tree, as shown), `commit`/`commitShort`/`authorDate` of the first commit that added it (null for a blob no commit reaches, read with --all-objects), `commitCount` (commits that added it), `otherCommits` (up to 10 short ids), `reachable` (false when only objects no ref reaches hold it), `inHead` (HEAD's tree still holds it)";

/** Where a file sits with respect to git (src/files/scan-files.ts). */
/** What a Bedrock API key finding keeps (in a file or in history): where it is and what is not secret. */
const BEDROCK_KEY_FIELDS = {
  path: string,
  line: integer,
  column: integer,
  keyKind: string,
  ownerAccount: orNull(string),
  serviceUserName: orNull(string),
  keyIdMasked: orNull(string),
  expiresAt: orNull(string),
  context: string,
};

const REPOSITORY = { inRepository: boolean, gitIgnored: boolean, gitTracked: orNull(boolean) };

const TYPES = {
  'file.access-key': {
    scope: 'local',
    title: 'AWS access key found in a local file',
    id: 'path#masked key id (#n for its n-th occurrence in the file)',
    data: '`{ path, line, column, keyIdMasked ("AKIA…NJRC"), keyPrefix, keyKind ("access-key" AKIA, "temporary" ASIA, "sts-bearer-token" ABIA, "context-specific" ACCA), ownerAccount (decoded from the key id; null for old-format ids), context and secretContext ("aws configure transcript", "credentials file", "env", "json", "yaml", "code", "text"), hasSecret, secretLine, inRepository, gitIgnored, gitTracked (null when git cannot tell) }`; `account` is ownerAccount or "local"; `location` = `{path, line, column}`. When the account\'s access keys were listed in the same run, also `scannedAccountKey`: the account\'s IAM key with this id as `{ UserName, Status, CreateDate, LastUsedDate }`, or null when the listing does not have it (checked while the full key id is in memory; see `src/files/verify-keys.ts`). The key id itself and any secret are never stored.',
    facts:
      'when `scannedAccountKey` was recorded: `verification` ("matched", "not-found", "other-account", "not-listed", "unknown"), `scannedAccounts`, `belongsToScannedAccount`, `status` (Active, Inactive, NotFound or null), `owner`, `lastUsedDate`, `createDate`; always `verificationSummary` (one sentence: Active/Inactive key of user X in the scanned account, belongs to another account, not checked, ...), `verified`',
    dataSchema: object(
      {
        path: string,
        line: integer,
        column: integer,
        keyIdMasked: string,
        keyPrefix: string,
        keyKind: string,
        ownerAccount: orNull(string),
        context: string,
        hasSecret: boolean,
        secretContext: orNull(string),
        secretLine: orNull(integer),
        ...REPOSITORY,
        scannedAccountKey: orNull(
          object({ UserName: orNull(string), Status: orNull(string), CreateDate: orNull(string), LastUsedDate: orNull(string) }),
        ),
      },
      ['path', 'line', 'keyIdMasked', 'keyKind'],
    ),
  },
  'file.bedrock-api-key': {
    scope: 'local',
    title: 'Amazon Bedrock API key found in a local file',
    id: 'path#bedrock-api-key (#n for its n-th occurrence in the file)',
    data: '`{ path, line, column, keyKind ("long-term": ABSK…, an IAM service-specific credential; "short-term": bedrock-api-key-…, a pre-signed URL valid up to 12 hours), ownerAccount (read from the key), serviceUserName (long-term: BedrockAPIKey-…), keyIdMasked (short-term: the temporary key id that signed it), expiresAt (short-term), context, inRepository, gitIgnored, gitTracked }`; see `src/secrets/bedrock-key.ts`. The key itself is never stored.',
    dataSchema: object(
      {
        ...BEDROCK_KEY_FIELDS,
        ...REPOSITORY,
      },
      ['path', 'line', 'keyKind'],
    ),
  },
  'file.secret-key': {
    scope: 'local',
    title: 'AWS secret access key alone in a local file',
    id: 'path#secret-access-key (#n for its n-th occurrence in the file)',
    data: "`{ path, line, column, name (the name it is assigned to, as written: aws_secret_access_key, AWS_SECRET_ACCESS_KEY, SecretAccessKey, ...), context, inRepository, gitIgnored, gitTracked }`: a 40-character secret access key, random enough, assigned to a name that says what it is, with no key id within 3 lines (a key id near it makes it that key's pair, reported on file.access-key). The secret itself is never stored.",
    dataSchema: object({ path: string, line: integer, column: integer, name: string, context: string, ...REPOSITORY }, [
      'path',
      'line',
      'name',
    ]),
  },
  'file.private-key': {
    scope: 'local',
    title: 'Private key found in a local file',
    id: 'path',
    data: '`{ path, fileName, line, column (of the first key), keyType (RSA, EC, DSA, PKCS8, OpenSSH, PGP, PuTTY), keyTypes, keyCount, encrypted (true/false, null when unknown), nameLooksLikeKey, mode ("0664"; null on Windows), groupOrOtherAccess, inRepository, gitIgnored, gitTracked }`; `location` = `{path, line, column}`. Key material is never stored.',
    dataSchema: object(
      {
        path: string,
        line: integer,
        column: integer,
        keyType: string,
        encrypted: orNull(boolean),
        mode: orNull(string),
        groupOrOtherAccess: orNull(boolean),
        ...REPOSITORY,
      },
      ['path', 'keyType'],
    ),
  },
  'file.text': {
    scope: 'local',
    title: 'Local text file (build/deploy files)',
    id: 'path',
    data: 'build and deploy files only (Dockerfile, compose, buildspec, appspec, CI pipelines, Procfile, `deploy*.sh`; see `src/files/build-files.ts`): `{ path, fileName, fileKind, devServers: [{line, column, framework, bindsAllInterfaces, command (≤160 chars, key ids masked)}], accountIds: [{line, column, accountId, context ("ecr-registry", "arn", "assignment")}], distinctAccountIds }`; `location` at the first line of interest.',
    dataSchema: object(
      {
        path: string,
        fileKind: string,
        devServers: listOf(object({ line: integer, column: integer, framework: string, bindsAllInterfaces: boolean, command: string })),
        accountIds: listOf(object({ line: integer, column: integer, accountId: string, context: string })),
        distinctAccountIds: listOf(string),
      },
      ['path', 'fileKind'],
    ),
  },
  'file.history-access-key': {
    scope: 'local',
    title: "AWS access key found in a repository's git history",
    id: 'repository@history#masked key id (#n for a second key with the same mask)',
    data: `\`{ path (where it was first committed), line, column, keyIdMasked, keyPrefix, keyKind, ownerAccount, context, hasSecret (a secret was committed next to it in any commit), secretLine }\` and ${COMMITS_TEXT}; one resource per key id however many commits and paths hold it (with \`scan --files REPO --history\`); \`scannedAccountKey\` as for file.access-key. The key id itself and any secret are never stored.`,
    facts:
      'as file.access-key (`verification`, `status`, `owner`, `verificationSummary`, ...), and `historySummary` (one sentence: first commit, date, path and line, how many more commits, whether HEAD still holds it)',
    dataSchema: object(
      {
        path: string,
        line: integer,
        column: integer,
        keyIdMasked: string,
        keyPrefix: string,
        keyKind: string,
        ownerAccount: orNull(string),
        hasSecret: boolean,
        secretLine: orNull(integer),
        ...COMMITS,
        scannedAccountKey: orNull(
          object({ UserName: orNull(string), Status: orNull(string), CreateDate: orNull(string), LastUsedDate: orNull(string) }),
        ),
      },
      ['path', 'line', 'keyIdMasked', 'keyKind', 'inHead'],
    ),
  },
  'file.history-private-key': {
    scope: 'local',
    title: "Private key found in a repository's git history",
    id: 'repository@history:path',
    facts: '`historySummary` (as for file.history-access-key)',
    data: `\`{ path, fileName, line, column, keyType, encrypted }\` and ${COMMITS_TEXT}; one resource per path a private key was committed at. Key material is never stored.`,
    dataSchema: object({ path: string, line: integer, column: integer, keyType: string, encrypted: orNull(boolean), ...COMMITS }, [
      'path',
      'keyType',
      'inHead',
    ]),
  },
  'file.history-secret-key': {
    scope: 'local',
    title: "AWS secret access key alone in a repository's git history",
    id: 'repository@history:path#secret-access-key',
    facts: '`historySummary` (as for file.history-access-key)',
    data: `\`{ path, line, column, name, context }\` as for file.secret-key, and ${COMMITS_TEXT}; one resource per path a lone secret access key was committed at (a secret with its key id near it is reported on file.history-access-key). The secret itself is never stored.`,
    dataSchema: object({ path: string, line: integer, column: integer, name: string, context: string, ...COMMITS }, [
      'path',
      'line',
      'name',
      'inHead',
    ]),
  },
  'file.history-bedrock-api-key': {
    scope: 'local',
    title: "Amazon Bedrock API key found in a repository's git history",
    id: 'repository@history#bedrock-api-key:credential name, or masked signing key id (#n for a second key with the same)',
    facts: '`historySummary` (as for file.history-access-key)',
    data: `\`{ path (where it was first committed), line, column, keyKind, ownerAccount, serviceUserName, keyIdMasked, expiresAt, context }\` as for file.bedrock-api-key, and ${COMMITS_TEXT}; one resource per key however many commits and paths hold it. The key itself is never stored.`,
    dataSchema: object(
      {
        ...BEDROCK_KEY_FIELDS,
        ...COMMITS,
      },
      ['path', 'line', 'keyKind', 'inHead'],
    ),
  },
} as const satisfies ResourceTypeTable;

/** Local files (`--files`): leaked access keys, private keys, build and deploy files. */
export const files: Service<typeof TYPES, Record<never, never>> = {
  name: 'files',
  resourceTypes: TYPES,
  clients: {},
  collectors: [],
  enrichers: [
    fileAccessKeyEnricher,
    historyAccessKeyEnricher,
    historyPrivateKeyEnricher,
    historySecretKeyEnricher,
    historyBedrockKeyEnricher,
  ],
};
