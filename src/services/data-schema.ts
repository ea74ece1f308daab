// Building blocks for the `dataSchema` of resource types (src/services/<service>/index.ts): the
// JSON types AWS gives its fields, written once. A data schema declares the fields rules and
// enrichers read, with their types; other fields are allowed (AWS adds fields), and a field a
// collector may leave out is not required.
import type { JsonValue } from '../util/json.js';

/**
 * JSON Schema of a resource's `data`: the fields rules and enrichers read, with their types. The
 * keywords are those draft-07 and 2020-12 share (test/data-schemas.test.ts compiles both ways).
 */
export interface JsonSchema {
  type?:
    | 'object'
    | 'array'
    | 'string'
    | 'number'
    | 'integer'
    | 'boolean'
    | 'null'
    | ReadonlyArray<'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null'>;
  description?: string;
  properties?: { readonly [field: string]: JsonSchema };
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly JsonValue[];
  anyOf?: readonly JsonSchema[];
}

export const string: JsonSchema = { type: 'string' };
export const integer: JsonSchema = { type: 'integer' };
export const number: JsonSchema = { type: 'number' };
export const boolean: JsonSchema = { type: 'boolean' };
export const anyObject: JsonSchema = { type: 'object' };

/** The same schema, or null: how collectors record "not configured" (or a value AWS reports as N/A). */
export function orNull(schema: JsonSchema): JsonSchema {
  const { type } = schema;
  if (type === undefined) return { anyOf: [schema, { type: 'null' }] };
  const types = typeof type === 'string' ? [type] : type;
  return { ...schema, type: types.includes('null') ? types : [...types, 'null'] };
}

/** An object with these fields (all optional unless named in `required`); other fields are allowed. */
export function object(properties: { readonly [field: string]: JsonSchema }, required: readonly string[] = []): JsonSchema {
  return required.length ? { type: 'object', properties, required } : { type: 'object', properties };
}

export function listOf(items: JsonSchema): JsonSchema {
  return { type: 'array', items };
}

/** AWS tags (`[{Key, Value}]`): the engine names a resource by its `Name` tag. */
export const tags: JsonSchema = listOf(object({ Key: string, Value: string }));

/**
 * An IAM policy document: parsed to an object by the collector; the JSON text (raw or
 * URL-encoded, as IAM returns it) is read too, so a snapshot written by another tool gives facts.
 */
export const policyDocument: JsonSchema = {
  type: ['object', 'string'],
  properties: {
    // One statement or a list of them; Action and Resource may each be a string or a list.
    Statement: { type: ['array', 'object'] },
  },
};

/** A managed policy as attached to a user, group or role. */
export const attachedPolicies: JsonSchema = listOf(object({ PolicyName: string, PolicyArn: string }));

/** Inline policies of a user, group or role. */
export const inlinePolicies: JsonSchema = listOf(object({ PolicyName: string, PolicyDocument: policyDocument }));
