import { enricherReads } from '../enrich/index.js';
import { SERVICES } from './index.js';
import type { JsonSchema, ResourceTypeDefinition } from './service.js';

const code = (text: string) => `\`${text}\``;

/** A data schema as a compact type: `{ Name: string, Policy?: string\|object\|null, Tags?: [{ Key?: string }] }` (`?`: may be absent). */
export function schemaText(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(schemaText).join('\\|');
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : [...schema.type];
  const parts = types.map((t) => {
    if (t === 'object' && schema.properties) {
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties).map(
        ([name, s]) => `${/^[A-Za-z_][\w]*$/.test(name) ? name : JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${schemaText(s)}`,
      );
      return `{ ${fields.join(', ')} }`;
    }
    if (t === 'array' && schema.items) return `[${schemaText(schema.items)}]`;
    return t === 'array' ? 'list' : t;
  });
  return parts.join('\\|') || 'any';
}

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
    "enrichers (which compute `facts` from it) and rules (which read both). `data` keeps AWS's",
    'own field names and shapes (what the AWS CLI prints for the same call); sub-calls are merged',
    'in under their own names. A sub-call that has "nothing configured" (e.g.',
    '`NoSuchBucketPolicy`) gives `null` under its name; a sub-call that **failed** (AccessDenied,',
    'throttled) is a coverage gap in the snapshot and its name is absent from `data`.',
    '',
    '**Secrets are never stored.** Values that can hold secrets (Lambda environment variable',
    'values, EC2 user data) are scanned at collection time; the snapshot keeps names and masked',
    "detection results only, in fields of awsaudit's own (`awsauditEnvironmentSecrets`,",
    "`awsauditUserDataSecrets`: lower-case, unlike AWS's), which enrichers turn into facts.",
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
  out.push(
    '',
    '## The shape of `data`, as awsaudit checks it',
    '',
    'Each type declares the fields of `data` that its rules and enrichers read, with their JSON',
    'types (`dataSchema` in its service module; `?` marks a field that may be absent). Other',
    'fields are allowed: AWS adds fields. When a snapshot is evaluated, each resource is checked',
    'against its type:',
    '',
    '- a resource whose data does not match is not evaluated: it is *undecided* (never passed) for',
    '  every rule of its type, rules whose facts or `requires` read its type are incomplete, and the',
    "  report's notes name it, its place in the snapshot and the field (`aws.ec2.instance",
    '  "i-0abc" at /resources/12/data/State/Name: must be text, not 5`);',
    '- `evaluate` refuses a snapshot file (exit 2, with the same details) that has a resource type',
    '  awsaudit does not know (a misspelling), or a type none of whose resources is an item of that',
    '  type at all: a field every item has (below: without `?`) is missing, or a top-level field holds',
    '  another kind of value (every instance still wrapped in its reservation, every credential report',
    '  left as CSV text). Such a file was not written the way awsaudit reads it. Malformed resources',
    '  among good ones, or a wrong value deeper down, do not stop the audit;',
    '- a rule that decides on `data` alone does not pass a resource whose data has none of the',
    '  fields it decides on (a bucket whose settings could not be read): that resource is undecided.',
    '',
    '| type | checked fields |',
    '|---|---|',
    ...types.map(([type, info]) => `| ${code(type)} | ${code(schemaText(info.dataSchema))} |`),
  );
  return out.join('\n') + '\n';
}
