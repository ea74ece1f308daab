import { displayText } from '../../util/json.js';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetPolicyVersionCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListPolicies,
  type EntityType,
  type GetAccountAuthorizationDetailsCommandOutput,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { isPlainObject, type JsonObject, type JsonValue } from '../../util/json.js';
import { lastUseFromReport, parseCredentialReport, ROOT_ROW_USER } from './credential-report.js';
import { allItems, allPages } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction, CollectorContext } from '../../collect/types.js';
import { GROUP, KEY, POLICY, ROLE, ROOT, USER, type IamType } from './produces.js';
import { parsePolicyDocument } from './policy/document.js';

/** What the IAM collector reads the account through. */
type Context = CollectorContext<IamType, { iam: IAMClient }>;

/**
 * IAM returns policy documents URL-encoded (some endpoints do not): the snapshot holds them as
 * objects, read by the one policy parser (policy/document.ts). A document that parser cannot
 * read is kept as it came, so the snapshot still shows what IAM returned.
 */
function documentAsObject(document: JsonValue | undefined): JsonValue | undefined {
  if (typeof document !== 'string') return document;
  return (parsePolicyDocument(document) as JsonObject | undefined) ?? document;
}

function parseDocumentsIn(list: JsonValue | undefined): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (isPlainObject(item) && 'PolicyDocument' in item) {
      const parsed = documentAsObject(item.PolicyDocument);
      if (parsed !== undefined) item.PolicyDocument = parsed;
    }
  }
}

function parseAssumeRole(role: JsonObject): void {
  const parsed = documentAsObject(role.AssumeRolePolicyDocument);
  if (parsed !== undefined) role.AssumeRolePolicyDocument = parsed;
}

async function fetchCredentialReport(
  ctx: Context,
  client: IAMClient,
  types: readonly IamType[],
): Promise<Map<string, JsonObject> | undefined> {
  const generate = () => ctx.call('GenerateCredentialReport', types, () => client.send(new GenerateCredentialReportCommand({})));
  const started = await generate();
  if (started.status !== 'ok') return undefined;
  let complete = started.value.State === 'COMPLETE';
  // AWS builds the report in a few seconds; it is good for four hours after that.
  const deadline = Date.now() + 120_000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 4_000)) {
    if (!complete) await new Promise((resolve) => setTimeout(resolve, delay));
    const report = await ctx.call('GetCredentialReport', types, () => client.send(new GetCredentialReportCommand({})), {
      absent: ['CredentialReportNotReadyException', 'CredentialReportNotPresentException', 'CredentialReportExpiredException'],
    });
    if (report.status === 'failed') return undefined;
    if (report.status === 'ok') return parseCredentialReport(new TextDecoder().decode(report.value.Content ?? new Uint8Array()));
    complete = false;
    if (Date.now() > deadline) {
      await ctx.call('GetCredentialReport', types, () =>
        Promise.reject(Object.assign(new Error('the credential report was not ready after 2 minutes'), { name: 'ReportInProgress' })),
      );
      return undefined;
    }
    if (report.code !== 'CredentialReportNotReadyException' && (await generate()).status !== 'ok') return undefined;
  }
}

type Details = GetAccountAuthorizationDetailsCommandOutput;

async function collectAccessKeys(
  ctx: Context,
  client: IAMClient,
  users: readonly string[],
  report: Map<string, JsonObject> | undefined,
): Promise<void> {
  await Promise.all(
    users.map(async (UserName) => {
      const listed = await ctx.call(
        'ListAccessKeys',
        [KEY],
        () => allItems(paginateListAccessKeys({ client, pageSize: 1000 }, { UserName }), (p) => p.AccessKeyMetadata),
        { subject: UserName },
      );
      if (listed.status !== 'ok') return;
      const keys = listed.value.map((k) => toJsonObject(k));
      const created = keys.map((k) => displayText(k.CreateDate));
      await Promise.all(
        keys.map(async (key) => {
          const id = key.AccessKeyId;
          if (typeof id !== 'string') return;
          const data: JsonObject = { UserName, AccessKeyId: id, Status: key.Status ?? null, CreateDate: key.CreateDate ?? null };
          let use: JsonObject | undefined = report
            ? (lastUseFromReport(report.get(UserName), displayText(key.CreateDate), created) as JsonObject | undefined)
            : undefined;
          if (!use) {
            const asked = await ctx.call(
              'GetAccessKeyLastUsed',
              [KEY],
              () => client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id })),
              { subject: UserName },
            );
            if (asked.status === 'ok') {
              const last = asked.value.AccessKeyLastUsed;
              use = {};
              if (last?.LastUsedDate) use.LastUsedDate = last.LastUsedDate.toISOString();
              if (last?.ServiceName && last.ServiceName !== 'N/A') use.LastUsedServiceName = last.ServiceName;
              if (last?.Region && last.Region !== 'N/A') use.LastUsedRegion = last.Region;
            }
          }
          ctx.add({ type: KEY, id, region: 'global', data: { ...data, ...use } });
        }),
      );
    }),
  );
}

async function collectAttachedAwsPolicies(ctx: Context, client: IAMClient): Promise<void> {
  const listed = await ctx.call('ListPolicies', [POLICY], () =>
    allItems(paginateListPolicies({ client, pageSize: 1000 }, { Scope: 'AWS', OnlyAttached: true }), (p) => p.Policies),
  );
  if (listed.status !== 'ok') return;
  await Promise.all(
    listed.value.map(async (policy) => {
      const data = toJsonObject(policy);
      if (typeof policy.Arn !== 'string') return;
      if (policy.DefaultVersionId) {
        const version = await ctx.call(
          'GetPolicyVersion',
          [POLICY],
          () => client.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: policy.DefaultVersionId })),
          { subject: policy.PolicyName ?? policy.Arn },
        );
        if (version.status !== 'ok') return;
        data.Document = documentAsObject(version.value.PolicyVersion?.Document) ?? null;
      }
      ctx.add({ type: POLICY, id: policy.Arn, arn: policy.Arn, region: 'global', data });
    }),
  );
}

function addDetails(ctx: Context, pages: readonly Details[], report: Map<string, JsonObject> | undefined): string[] {
  const userNames: string[] = [];
  for (const page of pages) {
    for (const user of page.UserDetailList ?? []) {
      const data = toJsonObject(user);
      if (typeof data.UserName !== 'string') continue;
      userNames.push(data.UserName);
      if (!ctx.wants(USER)) continue;
      parseDocumentsIn(data.UserPolicyList);
      // Absent when the report could not be read (a gap); null when it has no row for the user (created since).
      if (report) data.CredentialReport = report.get(data.UserName) ?? null;
      ctx.add({ type: USER, id: data.UserName, region: 'global', arn: typeof data.Arn === 'string' ? data.Arn : undefined, data });
    }
    for (const group of page.GroupDetailList ?? []) {
      const data = toJsonObject(group);
      if (typeof data.GroupName !== 'string') continue;
      parseDocumentsIn(data.GroupPolicyList);
      ctx.add({ type: GROUP, id: data.GroupName, region: 'global', arn: typeof data.Arn === 'string' ? data.Arn : undefined, data });
    }
    for (const role of page.RoleDetailList ?? []) {
      const data = toJsonObject(role);
      if (typeof data.RoleName !== 'string') continue;
      parseAssumeRole(data);
      parseDocumentsIn(data.RolePolicyList);
      for (const profile of Array.isArray(data.InstanceProfileList) ? data.InstanceProfileList : []) {
        if (isPlainObject(profile) && Array.isArray(profile.Roles)) for (const r of profile.Roles) if (isPlainObject(r)) parseAssumeRole(r);
      }
      ctx.add({ type: ROLE, id: data.RoleName, region: 'global', arn: typeof data.Arn === 'string' ? data.Arn : undefined, data });
    }
    for (const policy of page.Policies ?? []) {
      const data = toJsonObject(policy);
      if (typeof data.Arn !== 'string') continue;
      const versions = Array.isArray(data.PolicyVersionList) ? data.PolicyVersionList : [];
      const current = versions.find((v) => isPlainObject(v) && v.IsDefaultVersion === true) as JsonObject | undefined;
      delete data.PolicyVersionList;
      // Some endpoints leave out the name; it is the last part of the ARN.
      if (typeof data.PolicyName !== 'string') data.PolicyName = data.Arn.slice(data.Arn.lastIndexOf('/') + 1);
      data.Document = documentAsObject(current?.Document) ?? null;
      ctx.add({ type: POLICY, id: data.Arn, arn: data.Arn, region: 'global', data });
    }
  }
  return userNames;
}

/**
 * IAM, once per account, with as few calls as IAM allows: GetAccountAuthorizationDetails
 * (filtered to the entity types wanted, so the ~1,000 AWS-managed policies are not
 * downloaded), the credential report for password/MFA/key use, one ListAccessKeys per user
 * (no batch API exists), and GetAccessKeyLastUsed only for a key the report cannot place.
 */
export const collectIam: CollectFunction<IamType, { iam: IAMClient }> = async (ctx) => {
  const client = ctx.client('iam');
  const filter: EntityType[] = [];
  if (ctx.wants(USER) || ctx.wants(KEY)) filter.push('User');
  if (ctx.wants(GROUP)) filter.push('Group');
  if (ctx.wants(ROLE)) filter.push('Role');
  if (ctx.wants(POLICY)) filter.push('LocalManagedPolicy');
  const detailTypes = ([USER, KEY, GROUP, ROLE, POLICY] as const).filter((t) => ctx.wants(t));
  const reportTypes = ([USER, KEY, ROOT] as const).filter((t) => ctx.wants(t));

  const [details, report, summary] = await Promise.all([
    filter.length
      ? ctx.call('GetAccountAuthorizationDetails', detailTypes, () =>
          allPages(paginateGetAccountAuthorizationDetails({ client, pageSize: 1000 }, { Filter: filter })),
        )
      : undefined,
    reportTypes.length ? fetchCredentialReport(ctx, client, reportTypes) : undefined,
    ctx.wants(ROOT) ? ctx.call('GetAccountSummary', [ROOT], () => client.send(new GetAccountSummaryCommand({}))) : undefined,
  ]);

  const work: Promise<void>[] = [];
  if (details?.status === 'ok') {
    const users = addDetails(ctx, details.value, report);
    if (ctx.wants(KEY)) work.push(collectAccessKeys(ctx, client, users, report));
  }
  if (ctx.wants(POLICY)) work.push(collectAttachedAwsPolicies(ctx, client));
  if (ctx.wants(ROOT) && (summary?.status === 'ok' || report)) {
    const data: JsonObject = {};
    if (summary?.status === 'ok') data.AccountSummary = toJsonObject(summary.value.SummaryMap ?? {});
    if (report) data.CredentialReport = report.get(ROOT_ROW_USER) ?? null;
    ctx.add({ type: ROOT, id: ctx.account, region: 'global', arn: `arn:${ctx.partition}:iam::${ctx.account}:root`, data });
  }
  await Promise.all(work);
};
