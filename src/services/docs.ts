import { enricherReads } from '../enrich/index.js';
import { SERVICES } from './index.js';
import type { ResourceTypeDefinition } from './service.js';

const code = (text: string) => `\`${text}\``;

function regionCell(info: ResourceTypeDefinition): string {
  if (info.region !== undefined) return info.region;
  return info.scope === 'regional' ? 'region' : code(info.scope);
}

/** Every resource type of every service, with its service's own text: docs/resources.md. */
export function renderResourcesMarkdown(): string {
  const types = SERVICES.flatMap((service) => Object.entries(service.resourceTypes) as Array<[string, ResourceTypeDefinition]>);
  const out: string[] = [
    '# Resource types and their data',
    '',
    '<!-- Generated from the service modules (src/services/<service>/index.ts, src/files/service.ts):',
    '     awsaudit rules types --format markdown > docs/resources.md -->',
    '',
    "What each resource type's `data` holds: the contract between collectors (which fill it),",
    'enrichers (which compute `facts` from it) and rules (which read both). `data` keeps AWS\'s',
    'own field names and shapes (what the AWS CLI prints for the same call); sub-calls are merged',
    'in under their own names. A sub-call that has "nothing configured" (e.g.',
    '`NoSuchBucketPolicy`) gives `null` under its name; a sub-call that **failed** (AccessDenied,',
    'throttled) is a coverage gap in the snapshot and its name is absent from `data`.',
    '',
    '**Secrets are never stored.** Values that can hold secrets (Lambda environment variable',
    'values, EC2 user data) are scanned at collection time; the snapshot keeps names and masked',
    'detection results only, in fields of awsaudit\'s own (`awsauditEnvironmentSecrets`,',
    '`awsauditUserDataSecrets`: lower-case, unlike AWS\'s), which enrichers turn into facts.',
    '',
    'Timestamps are ISO 8601 strings (`2026-01-31T12:00:00.000Z`).',
    '',
    '| type | id | region | data |',
    '|---|---|---|---|',
    ...types.map(([type, info]) => `| ${code(type)} | ${info.id} | ${regionCell(info)} | ${info.data} |`),
    '',
    '## Facts computed by enrichers',
    '',
    'Rules read these under `facts` (computed at evaluation time by the enrichers of each service,',
    '`src/services/<service>/enrich*.ts`, from the resource and the other resources of the',
    'snapshot). An enricher that reads other types declares them (`Enricher.reads`): collection',
    'then gathers those types too, and a coverage gap on one of them makes rules over the',
    'enriched type incomplete.',
    '',
    'An enricher that uses another type only when it was collected anyway (and gives `null` —',
    'unknown — otherwise) does not declare it; the rules that cannot do without it say so with',
    '`requires`, which makes collection gather it for them.',
    '',
    '| type | facts | reads |',
    '|---|---|---|',
  ];
  for (const [type, info] of types) {
    if (info.facts === undefined) continue;
    const reads = enricherReads(type).map(code).join(', ') || '—';
    out.push(`| ${code(type)} | ${info.facts} | ${reads}${info.factsReadsNote ? ` (${info.factsReadsNote})` : ''} |`);
  }
  return out.join('\n') + '\n';
}
