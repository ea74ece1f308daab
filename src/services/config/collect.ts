import {
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';

import { RECORDER } from './produces.js';

/** AWS Config recorders of a region with their status (two calls; neither is paginated). */
export const collectRecorders: CollectFunction<(typeof RECORDER)[number], { config: ConfigServiceClient }> = async (ctx) => {
  const client = ctx.client('config');
  const [recorders, statuses] = await Promise.all([
    ctx.call('DescribeConfigurationRecorders', RECORDER, () => client.send(new DescribeConfigurationRecordersCommand({}))),
    ctx.call('DescribeConfigurationRecorderStatus', RECORDER, () => client.send(new DescribeConfigurationRecorderStatusCommand({}))),
  ]);
  if (recorders.status !== 'ok') return;
  const byName = new Map((statuses.status === 'ok' ? (statuses.value.ConfigurationRecordersStatus ?? []) : []).map((s) => [s.name, s]));
  for (const recorder of recorders.value.ConfigurationRecorders ?? []) {
    if (typeof recorder.name !== 'string') continue;
    const data = toJsonObject(recorder);
    // Absent when the status call failed (a gap), null when there is no status for it.
    if (statuses.status === 'ok') {
      const status = byName.get(recorder.name);
      data.Status = status ? toJsonObject(status) : null;
    }
    ctx.add({ type: 'aws.config.recorder', id: recorder.name, arn: typeof recorder.arn === 'string' ? recorder.arn : undefined, data });
  }
};
