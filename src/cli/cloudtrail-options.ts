import type { Argv } from 'yargs';

const GROUP = 'CloudTrail:';

/** Options of the commands that can read CloudTrail events (scan, evaluate). */
export function cloudTrailOptions<T>(y: Argv<T>) {
  return y
    .option('cloudtrail', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        "Read CloudTrail events from: api (LookupEvents), s3://bucket/prefix (the trail's archive), or a file or folder (.json, .json.gz); repeatable",
      group: GROUP,
    })
    .option('since', {
      type: 'string',
      describe: 'Start of the event window: ISO date/time or a duration before now (7d, 12h) [default for api and s3://: 7d; files: all]',
      group: GROUP,
    })
    .option('until', {
      type: 'string',
      describe: 'End of the event window (exclusive; a date alone means the end of that day) [default for api and s3://: now]',
      group: GROUP,
    })
    .option('max-events', {
      type: 'number',
      describe: 'LookupEvents: stop each region after the page that reaches this many events (a note says where the window was cut)',
      group: GROUP,
    })
    .option('leaked-key-id', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'An access key id known to be leaked: every call signed with it is a finding (repeatable)',
      group: GROUP,
    })
    .option('aws-ip-ranges', {
      type: 'string',
      describe:
        "AWS's ip-ranges.json (download it from https://ip-ranges.amazonaws.com/ip-ranges.json): tells AWS addresses from others, e.g. for instance credentials used outside AWS [default: config awsIpRanges; without it such events are undecided]",
      group: GROUP,
    })
    .option('workers', {
      type: 'number',
      describe: 'Threads that parse events and run event rules [default: one per CPU; 0: none]',
      group: GROUP,
    });
}

/**
 * Where CloudTrail sources are read, for commands without the account options (evaluate);
 * `scan` has the same flags from its AWS options.
 */
export function cloudTrailTargetOptions<T>(y: Argv<T>) {
  return y
    .option('regions', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        "Regions LookupEvents reads, and the S3 archive's regions to read (comma-separated or repeated) [default: api: AWS_REGION or the profile's region; s3://: every region in the archive]",
      group: GROUP,
    })
    .option('endpoint-url', {
      type: 'string',
      describe: 'Call this AWS endpoint instead of the default one (an emulator, a VPC endpoint); AWS_ENDPOINT_URL is honoured',
      group: GROUP,
    });
}
