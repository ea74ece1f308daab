// The breadth part of the moto scenario: each family of rules added after the notes' own (CIS,
// FSBP, IAM trust, waste) seeds a failing twin in the main account and a compliant twin, and
// says which finding each must (or must not) give. Account-level settings (a password policy,
// EBS encryption by default) cannot have both twins in one account: the compliant twin of
// those lives in a second account, reached the way AWS Organizations reaches a member account
// (AssumeRole), and scanned on its own. collect-moto.test.ts checks every twin.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { sdkConfig, type MotoClientConfig } from '../moto.js';
import { seedIamPolicy } from './iampolicy.js';
import { seedLogging } from './logging.js';
import { seedSecurityServices } from './secsvc.js';
import { seedCompute } from './compute.js';
import { seedEc2 } from './ec2.js';
import { seedEc2More } from './ec2more.js';
import { seedMonitoring } from './monitoring.js';
import { seedIamAccountSettings } from './iamacct.js';
import { seedElbClassic } from './elb.js';
import { seedFsbpCalls } from './fsbpcalls.js';

/** The second account, holding compliant twins of account-level settings. */
export const COMPLIANT_ACCOUNT = '111122223333';

/** Where a twin is: a resource id (as findings name it), in the main account unless `account` says `compliant`. */
export interface TwinPlace {
  id: string;
  /** Defaults to the first scanned region (or `global` for global types: give it). */
  region?: string;
  account?: 'main' | 'compliant';
}

/** One rule's twins: `fail` must give a finding of `rule`, `pass` must give none. */
export interface Twin {
  rule: string;
  fail?: TwinPlace;
  pass?: TwinPlace;
}

export interface SeedContext {
  endpoint: string;
  /** The scanned regions; the first is the one most seeders use. */
  regions: readonly string[];
  /** Random part of names, so that runs against one moto do not collide. */
  suffix: string;
  /** Client config for the main account (123456789012). */
  main(region: string): MotoClientConfig;
  /** Client config for the compliant account (session credentials of an assumed role). */
  compliant(region: string): MotoClientConfig;
  /** A role (main account) that services may assume: Lambda, Config, flow logs. */
  roleArn: string;
}

export type BreadthSeeder = (ctx: SeedContext) => Promise<Twin[]>;

/**
 * The seeders, by family. Each lives in its own file beside this one; add yours here. They run
 * one after another (moto's state is shared), after the notes' scenario is seeded.
 */
const SEEDERS: Record<string, BreadthSeeder> = {
  'detection services': seedSecurityServices,
  logging: seedLogging,
  iampolicy: seedIamPolicy,
  compute: seedCompute,
  ec2: seedEc2,
  ec2more: seedEc2More,
  monitoring: seedMonitoring,
  iamacct: seedIamAccountSettings,
  elbclassic: seedElbClassic,
  fsbpcalls: seedFsbpCalls,
};

export interface CompliantAccess {
  account: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}

/** Session credentials for the compliant account, from moto's cross-account AssumeRole. */
export async function compliantAccess(endpoint: string): Promise<CompliantAccess> {
  const sts = new STSClient(sdkConfig(endpoint, 'us-east-1'));
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${COMPLIANT_ACCOUNT}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'awsaudit-tests',
    }),
  );
  sts.destroy();
  const c = out.Credentials!;
  return {
    account: COMPLIANT_ACCOUNT,
    credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  };
}

export async function seedBreadth(
  endpoint: string,
  regions: readonly string[],
  suffix: string,
  roleArn: string,
): Promise<{ twins: Twin[]; compliant: CompliantAccess }> {
  const compliant = await compliantAccess(endpoint);
  const ctx: SeedContext = {
    endpoint,
    regions,
    suffix,
    roleArn,
    main: (region) => sdkConfig(endpoint, region),
    compliant: (region) => ({ ...sdkConfig(endpoint, region), credentials: compliant.credentials }),
  };
  const twins: Twin[] = [];
  for (const [family, seed] of Object.entries(SEEDERS)) {
    try {
      twins.push(...(await seed(ctx)));
    } catch (e) {
      throw new Error(`seeding the ${family} twins failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  return { twins, compliant };
}
