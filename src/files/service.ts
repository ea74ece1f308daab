// The resource types of the local file scan (`--files`), declared through the same shape as
// an AWS service's (src/services/service.ts) and registered in the same list, so the type
// table, `awsaudit rules types` and docs/resources.md cover them too. It has no SDK client
// and no collector: src/files/scan-files.ts produces these resources.
import { boolean, integer, listOf, object, orNull, string } from '../services/data-schema.js';
import type { ResourceTypeTable, Service } from '../services/service.js';
import { fileAccessKeyEnricher } from './enrich-access-key.js';

/** Where a file sits with respect to git (src/files/scan-files.ts). */
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
} as const satisfies ResourceTypeTable;

/** Local files (`--files`): leaked access keys, private keys, build and deploy files. */
export const files: Service<typeof TYPES, Record<never, never>> = {
  name: 'files',
  resourceTypes: TYPES,
  clients: {},
  collectors: [],
  enrichers: [fileAccessKeyEnricher],
};
