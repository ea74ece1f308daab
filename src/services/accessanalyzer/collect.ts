import { paginateListAnalyzers, type AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { allItems } from '../../collect/pages.js';
import { toJsonObject } from '../../collect/sdk-json.js';
import type { CollectFunction } from '../../collect/types.js';
import { ANALYZERS } from './produces.js';

/**
 * The analyzers of one region: ListAnalyzers, every type at once (its `type` filter takes one
 * type per call). The API documents no range for maxResults, so none is sent (a value it refused
 * would turn every region into a gap); a region holds a handful of analyzers at most, one page.
 * A failed listing adds nothing (a gap), never "no analyzer".
 */
export const collectAnalyzers: CollectFunction<(typeof ANALYZERS)[number], { accessanalyzer: AccessAnalyzerClient }> = async (ctx) => {
  const client = ctx.client('accessanalyzer');
  const listed = await ctx.call('ListAnalyzers', ANALYZERS, () => allItems(paginateListAnalyzers({ client }, {}), (p) => p.analyzers));
  if (listed.status !== 'ok') return;
  ctx.add({ type: 'aws.accessanalyzer.analyzers', id: ctx.account, data: { Analyzers: listed.value.map((a) => toJsonObject(a)) } });
};
