import { paginateDescribeLaunchTemplates, paginateDescribeLaunchTemplateVersions, type EC2Client } from '@aws-sdk/client-ec2';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import type { JsonObject } from '../../util/json.js';
import { LAUNCH_TEMPLATES } from './produces.js';

/**
 * Launch templates and what their default version launches. Two paginated calls per region,
 * whatever the number of templates: DescribeLaunchTemplates (tags, version numbers) and one
 * DescribeLaunchTemplateVersions with `Versions: ['$Default']` and no template named, which
 * answers the default version of every template of the region at once (no per-template call).
 * When the versions call fails the templates are still listed, without `DefaultVersionData`:
 * the type is a coverage gap and the rules that read the data are undecided, never clean.
 */
export const collectLaunchTemplates: CollectFunction<(typeof LAUNCH_TEMPLATES)[number], { ec2: EC2Client }> = async (ctx) => {
  const client = ctx.client('ec2');
  const listed = await ctx.call('DescribeLaunchTemplates', LAUNCH_TEMPLATES, () =>
    allItems(paginateDescribeLaunchTemplates({ client, pageSize: 200 }, {}), (p) => p.LaunchTemplates),
  );
  if (listed.status !== 'ok' || listed.value.length === 0) return;
  const versions = await ctx.call('DescribeLaunchTemplateVersions', LAUNCH_TEMPLATES, () =>
    allItems(
      paginateDescribeLaunchTemplateVersions({ client, pageSize: 200 }, { Versions: ['$Default'] }),
      (p) => p.LaunchTemplateVersions,
    ),
  );
  const defaults = new Map<string, JsonObject>();
  if (versions.status === 'ok') {
    for (const version of versions.value) {
      // The default version only: an endpoint that also sends others must not stand in for it.
      if (version.LaunchTemplateId && version.DefaultVersion !== false) defaults.set(version.LaunchTemplateId, toJsonObject(version));
    }
  }
  for (const template of listed.value) {
    const data = toJsonObject(template);
    const id = data.LaunchTemplateId;
    if (typeof id !== 'string' || id === '') continue;
    const version = defaults.get(id);
    if (version) {
      data.DefaultVersionNumber = version.VersionNumber ?? data.DefaultVersionNumber ?? null;
      // A version without data launches nothing of its own: an empty object, not "unknown".
      data.DefaultVersionData = version.LaunchTemplateData ?? {};
    } else if (versions.status !== 'ok') {
      data.DefaultVersionError = versions.code;
    }
    ctx.add({
      type: 'aws.ec2.launch-template',
      id,
      arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.account}:launch-template/${id}`,
      data,
    });
  }
};
