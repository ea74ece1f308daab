import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { RESOURCE_TYPES, isResourceType } from '../resources/types.js';
import { pointerToken } from '../util/json.js';
import { fromRoot } from '../util/paths.js';
import type { Resource } from './types.js';

/**
 * Resource data is checked, not trusted. Each resource type declares the shape of its `data`
 * (src/services/<service>/index.ts, `dataSchema`): the fields its rules and enrichers read, with
 * their types. A resource whose data does not have that shape is not evaluated: a rule that read
 * it would pass it on a value it cannot interpret (an instance still wrapped in its reservation
 * has no `State`; a credential report left as CSV text has no `mfa_active`).
 */

/** What is wrong with one resource's data: the first mismatch with its type's schema. */
export interface DataProblem {
  /** JSON pointer into the resource's `data` ("" for `data` itself). */
  pointer: string;
  message: string;
  /**
   * The data is not an item of its type at all: a field the type always has is missing, or a
   * top-level field holds another kind of value (text where an object belongs). A file whose
   * every resource of a type is like this was not written the way awsaudit reads it.
   */
  shape: boolean;
}

/**
 * How the data schemas are compiled: one validator per type, stopping at the first mismatch (one
 * is enough to set a resource aside, and it is the cheap path). The schemas themselves are
 * checked against the JSON Schema meta-schema by the test suite, not at every start.
 */
export const DATA_VALIDATOR_OPTIONS = {
  allErrors: false,
  allowUnionTypes: true,
  verbose: false,
  messages: false,
  validateSchema: false,
  code: { optimize: false },
} as const satisfies Options;

/**
 * The validators ajv compiled at build time (scripts/build-data-validators.mjs, dist/validators/data.cjs): compiling ~30
 * schemas at start-up costs about 60 ms of `scan --demo`. One whose schema has changed since is
 * not used; that schema is compiled here, the first time a resource of its type is checked.
 */
type Precompiled = { readonly [type: string]: { schema: string; validate: ValidateFunction } | undefined };
let precompiledTable: Precompiled | undefined;
function precompiledValidators(): Precompiled {
  if (!precompiledTable) {
    try {
      const built = createRequire(import.meta.url)(fromRoot('dist', 'validators', 'data.cjs')) as { PRECOMPILED?: Precompiled };
      precompiledTable = built.PRECOMPILED ?? {};
    } catch {
      // Not built (a checkout compiled with tsc alone): every schema is compiled when needed.
      precompiledTable = {};
    }
  }
  return precompiledTable;
}
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** The ready-made validator of a type, if it was made from the type's schema as it is now. */
export function precompiledValidator(type: string): ValidateFunction | undefined {
  const precompiled = precompiledValidators()[type];
  if (!precompiled || !isResourceType(type)) return undefined;
  return precompiled.schema === hash('sha256', JSON.stringify(RESOURCE_TYPES[type].dataSchema), 'hex').slice(0, 32)
    ? precompiled.validate
    : undefined;
}

function validatorOf(type: string): ValidateFunction | undefined {
  let validate = validators.get(type);
  if (validate) return validate;
  if (!isResourceType(type)) return undefined;
  validate = precompiledValidator(type) ?? (ajv ??= new Ajv(DATA_VALIDATOR_OPTIONS)).compile(RESOURCE_TYPES[type].dataSchema);
  validators.set(type, validate);
  return validate;
}

/** A checker of one type's data (compiled on first use); undefined for a type awsaudit does not know. */
export function dataChecker(type: string): ((data: unknown) => DataProblem | undefined) | undefined {
  if (!isResourceType(type)) return undefined;
  let validate: ValidateFunction | undefined;
  return (data) => {
    validate ??= validatorOf(type)!;
    return validate(data) ? undefined : describe(validate.errors?.[0], data);
  };
}

/** The first problem with a resource's data, or undefined when it has its type's shape (or its type is unknown). */
export function dataProblem(type: string, data: unknown): DataProblem | undefined {
  return dataChecker(type)?.(data);
}

/** A JSON type as a person says it, with a short excerpt of the value. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list (${value.length} item(s))`;
  switch (typeof value) {
    case 'string': {
      const excerpt = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `text ${JSON.stringify(excerpt)}`;
    }
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return 'an object';
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'a list',
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** The value a JSON pointer names inside `data`. */
function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function describe(error: ErrorObject | undefined, data: unknown): DataProblem {
  if (!error) return { pointer: '', message: 'does not match its type', shape: true };
  const pointer = error.instancePath;
  const depth = pointer === '' ? 0 : pointer.split('/').length - 1;
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const field = String(p.missingProperty);
    return {
      pointer: `${pointer}/${pointerToken(field)}`,
      message: `missing${depth === 0 ? '' : ' (a field this item always has)'}${wrapperHint(data, pointer, field)}`,
      shape: depth === 0,
    };
  }
  if (error.keyword === 'type') {
    const expected = (Array.isArray(p.type) ? p.type : String(p.type).split(',')).map((t) => TYPE_WORDS[String(t)] ?? String(t));
    return { pointer, message: `must be ${expected.join(' or ')}, not ${kindOf(valueAt(data, pointer))}`, shape: depth <= 1 };
  }
  return { pointer, message: `does not match the "${error.keyword}" of its type`, shape: depth <= 1 };
}

/**
 * When a required field is missing from an object whose list field holds objects that have it,
 * the object is a wrapper around the items (a reservation around its instances): say so.
 */
function wrapperHint(data: unknown, pointer: string, field: string): string {
  if (pointer !== '' || typeof data !== 'object' || data === null) return '';
  for (const [name, value] of Object.entries(data)) {
    if (
      Array.isArray(value) &&
      (value as unknown[]).some((item) => typeof item === 'object' && item !== null && Object.hasOwn(item, field))
    ) {
      return `; its "${name}" list holds items that have it: each of those is a resource of its own (the data looks like a wrapper around them)`;
    }
  }
  return '';
}

/** A resource whose data does not have its type's shape, with where it sits in the snapshot. */
export interface InvalidResource {
  resource: Resource;
  /** Its index in the snapshot's `resources`. */
  index: number;
  problem: DataProblem;
}

/** `/resources/12/data/State/Name`: where a problem sits in the snapshot file. */
export function problemPointer(invalid: InvalidResource): string {
  return `/resources/${invalid.index}/data${invalid.problem.pointer}`;
}

/** One line for a person: which resource, which field, what is wrong. */
export function describeInvalid(invalid: InvalidResource): string {
  const { resource, problem } = invalid;
  return `${resource.type} ${JSON.stringify(resource.id)} at ${problemPointer(invalid)}: ${problem.message}`;
}

/** Known resource types within this edit distance of an unknown one are suggested. */
const SUGGEST_DISTANCE = 3;

/** The known resource type closest to a misspelled one, if any is close (those of the same service first). */
export function closestType(type: string): string | undefined {
  const service = type.slice(0, type.indexOf('.', type.indexOf('.') + 1) + 1);
  const all = Object.keys(RESOURCE_TYPES);
  const sameService = service ? all.filter((t) => t.startsWith(service)) : [];
  let best: string | undefined;
  let bestDistance = SUGGEST_DISTANCE + 1;
  for (const known of sameService.length ? sameService : all) {
    const d = editDistance(type, known, bestDistance);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

/** Levenshtein distance, cut off at `limit` (type names are short). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The resources of one type whose data does not have its shape, with their problems; undefined when there is none (nearly always). */
export function invalidOfType(type: string, resources: readonly Resource[]): Map<Resource, DataProblem> | undefined {
  const check = dataChecker(type);
  if (!check) return undefined;
  let invalid: Map<Resource, DataProblem> | undefined;
  for (let i = 0; i < resources.length; i++) {
    const problem = check(resources[i]!.data);
    if (problem) (invalid ??= new Map()).set(resources[i]!, problem);
  }
  return invalid;
}
