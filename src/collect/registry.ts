import { accountCollector } from './collectors/account.js';
import { cloudTrailCollector } from './collectors/cloudtrail.js';
import { configRecordersCollector } from './collectors/config.js';
import { EC2_COLLECTORS } from './collectors/ec2.js';
import { elbv2Collector } from './collectors/elbv2.js';
import { iamCollector } from './collectors/iam.js';
import { lambdaFunctionsCollector } from './collectors/lambda.js';
import { rdsInstancesCollector } from './collectors/rds.js';
import { s3AccountPublicAccessBlockCollector, s3BucketsCollector } from './collectors/s3.js';
import type { Collector, CommandSpec } from './types.js';

/** Every collector. Each resource type is produced by exactly one of them. */
export const COLLECTORS: readonly Collector[] = [
  accountCollector,
  iamCollector,
  ...EC2_COLLECTORS,
  s3BucketsCollector,
  s3AccountPublicAccessBlockCollector,
  rdsInstancesCollector,
  elbv2Collector,
  lambdaFunctionsCollector,
  cloudTrailCollector,
  configRecordersCollector,
];

/**
 * Calls a scan makes whatever rules run: who the credentials belong to (account id and
 * partition), and, with --all-regions, which regions the account has enabled.
 */
export const CORE_COMMANDS: readonly CommandSpec[] = [
  { command: 'GetCallerIdentityCommand', service: 'sts', action: 'sts:GetCallerIdentity', for: [] },
  { command: 'DescribeRegionsCommand', service: 'ec2', action: 'ec2:DescribeRegions', for: [] },
];
