import type { Argv } from 'yargs';
import { ruleSelectionOptions, splitList } from '../options.js';
import type { CommandResult } from '../command-result.js';
import { UserError } from '../../util/errors.js';

export function permissionsCommand(y: Argv, done: CommandResult) {
  return y.command(
    'permissions',
    'Print the least-privilege read-only IAM policy for the selected rules',
    (c) =>
      ruleSelectionOptions(c)
        .option('types', {
          type: 'string',
          array: true,
          describe: 'Also cover collecting these resource types, or "all" (as `collect --types`)',
          group: 'Rules:',
        })
        .option('cloudtrail', {
          type: 'string',
          array: true,
          describe:
            'Also cover reading these CloudTrail sources (as `scan --cloudtrail`): api adds cloudtrail:LookupEvents; s3://bucket/prefix adds s3:ListBucket on the bucket and s3:GetObject under the prefix',
          group: 'CloudTrail:',
        })
        .option('org', {
          type: 'boolean',
          default: false,
          describe:
            "Also cover `scan --org`: the organisation's reads (DescribeOrganization, ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent) and sts:AssumeRole on the member accounts' role",
          group: 'Organisation:',
        })
        .option('role-name', {
          type: 'string',
          describe: 'With --org: the role assumed in member accounts [default: OrganizationAccountAccessRole]',
          group: 'Organisation:',
        })
        .option('role-arn-template', {
          type: 'string',
          describe: "With --org: the role's ARN with {accountId}, as `scan --role-arn-template`",
          group: 'Organisation:',
        })
        .option('partition', {
          type: 'string',
          default: 'aws',
          describe: 'Partition of the S3 ARNs (aws, aws-cn, aws-us-gov)',
          group: 'CloudTrail:',
        })
        .example('$0 permissions > awsaudit-policy.json', 'The policy for every built-in rule')
        .example(
          '$0 permissions --cloudtrail api --cloudtrail s3://my-trail-bucket/org',
          'Also read CloudTrail event history and the trail archive',
        )
        .option('output-dir', {
          type: 'string',
          describe:
            'With s3://bucket/prefix (as `scan --output-dir`): add the one write awsaudit can make, s3:PutObject of the reports under that prefix, as a separate statement',
          group: 'Reports in S3:',
        })
        .option('merge-from', {
          type: 'string',
          array: true,
          describe: 'With s3://bucket/prefix (as `merge s3://…`): add s3:ListBucket and s3:GetObject to read shard reports there',
          group: 'Reports in S3:',
        })
        .example('$0 permissions --only s3-bucket-public-acl', 'Only what one rule needs')
        .example(
          '$0 permissions --output-dir s3://audit-reports/awsaudit/',
          'Also let the scan upload its reports to your bucket (s3:PutObject, a separate optional statement)',
        )
        .example(
          '$0 permissions --org --role-name AwsauditReadOnly',
          "For the caller of `scan --org` (organisation reads, AssumeRole); the member accounts' role needs the policy without --org",
        ),
    async (argv) => {
      const [
        { loadConfig },
        { permissionsPolicy, planCollection },
        { sourceStatements },
        { selectRules },
        { parseExtraTypes, typesForRules },
      ] = await Promise.all([
        import('../../config/config.js'),
        import('../../collect/plan.js'),
        import('../../cloudtrail/sources/index.js'),
        import('../../ruleset/select.js'),
        import('../collection.js'),
      ]);
      const extra = parseExtraTypes(argv.types);
      const rules = await selectRules(
        { ruleDirs: argv.rules, only: splitList(argv.only), skip: splitList(argv.skip) },
        await loadConfig(argv.config),
      );
      const policy = permissionsPolicy(planCollection(typesForRules(rules, extra)));
      const specs = argv.cloudtrail ?? [];
      const { isS3Url, parseS3Target, readStatements, uploadStatement } = await import('../s3-reports.js');
      const reportStatements: object[] = [];
      if (argv.outputDir !== undefined) {
        if (!isS3Url(argv.outputDir))
          throw new UserError(
            `--output-dir ${argv.outputDir}: only an s3:// address needs a permission`,
            'e.g. --output-dir s3://bucket/prefix',
          );
        reportStatements.push(uploadStatement(parseS3Target(argv.outputDir, '--output-dir'), argv.partition));
      }
      const froms = argv.mergeFrom ?? [];
      froms.forEach((from, i) => {
        // Statement ids must be unique within a policy.
        const suffix = froms.length > 1 ? String(i + 1) : '';
        for (const st of readStatements(parseS3Target(from, '--merge-from'), argv.partition))
          reportStatements.push({ ...st, Sid: st.Sid + suffix });
      });
      const statements: object[] = [...policy.Statement, ...sourceStatements(specs, argv.partition)];
      if (argv.org) {
        const { orgStatements } = await import('../../org/permissions.js');
        statements.push(...orgStatements(argv.partition, argv.roleArnTemplate, argv.roleName));
        process.stderr.write(
          'awsaudit: --org: the organisation statements are for the credentials that run `scan --org` (the management account or a delegated administrator); the role in each member account needs only the read-only statement (`awsaudit permissions` without --org)\n',
        );
      } else if (argv.roleName !== undefined || argv.roleArnTemplate !== undefined) {
        throw new UserError('--role-name and --role-arn-template: only with --org');
      }
      statements.push(...reportStatements);
      if (specs.some((s) => s.startsWith('s3://'))) {
        process.stderr.write(
          "awsaudit: if the trail encrypts its logs with SSE-KMS, also allow kms:Decrypt on the trail's key (aws cloudtrail describe-trails shows KmsKeyId)\n",
        );
      }
      process.stdout.write(JSON.stringify({ ...policy, Statement: statements }, null, 2) + '\n');
      done.code = 0;
    },
  );
}
