import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { fromRoot } from './paths.js';

export interface Problem {
  /** JSON pointer into the document ("" for the whole document). */
  pointer: string;
  message: string;
}

// verbose: errors carry the offending value, so messages can say what was found.
export const AJV_OPTIONS: Options = { strict: true, allErrors: true, allowUnionTypes: true, verbose: true };
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * Schemas that others reference by `$id` (the config file embeds the suppression entries
 * of the ignore file); registered before the first compile so `$ref`s resolve.
 */
export const SHARED_SCHEMAS = ['schemas/ignore.schema.json'];

/** The schemas the package ships; the build compiles each into a module (scripts/build-validators.mjs). */
export const PACKAGED_SCHEMAS = [
  'rules.schema.json',
  'schemas/snapshot.schema.json',
  'schemas/config.schema.json',
  'schemas/ignore.schema.json',
];

/** The file name of a schema's compiled module under dist/validators/. */
export function validatorModuleName(relativePath: string): string {
  return relativePath.replace(/[/\\]/g, '__').replace(/\.json$/, '.cjs');
}

const requireValidator = createRequire(import.meta.url);

/**
 * The validator of a schema shipped in the package, by its path relative to the package root:
 * the module the build compiled it into, or (when that is missing, as in a checkout that was
 * not built by `npm run build`) compiled now, once.
 */
export function packagedValidator(relativePath: string, options: { precompiled?: boolean } = {}): ValidateFunction {
  let validate = options.precompiled === undefined ? compiled.get(relativePath) : undefined;
  if (!validate) {
    const module = fromRoot('dist', 'validators', validatorModuleName(relativePath));
    if (options.precompiled !== false && PACKAGED_SCHEMAS.includes(relativePath) && existsSync(module)) {
      validate = (requireValidator(module) as { default: ValidateFunction }).default;
    } else {
      validate = runtimeValidator(relativePath);
    }
    if (options.precompiled === undefined) compiled.set(relativePath, validate);
  }
  return validate;
}

function runtimeValidator(relativePath: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv(AJV_OPTIONS);
    for (const shared of SHARED_SCHEMAS) ajv.addSchema(JSON.parse(readFileSync(fromRoot(shared), 'utf8')) as object);
  }
  const schema = JSON.parse(readFileSync(fromRoot(relativePath), 'utf8')) as { $id?: string };
  return (schema.$id ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema);
}

/**
 * Turn ajv's errors into one readable line each. The `if`/`then` dispatch in our schemas
 * makes ajv add an extra "must match then schema" error per failing node; those carry no
 * information beyond the errors inside them and are dropped.
 */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'if') continue;
    const { pointer, message } = describe(error);
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ pointer, message });
  }
  return problems;
}

function describe(error: ErrorObject): Problem {
  const at = error.instancePath;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { pointer: at, message: `missing required property "${String(p.missingProperty)}"` };
    case 'additionalProperties':
      return { pointer: `${at}/${String(p.additionalProperty)}`, message: `unknown property "${String(p.additionalProperty)}"` };
    case 'enum':
      return {
        pointer: at,
        message: `${JSON.stringify(error.data)} is not one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { pointer: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'type':
      return { pointer: at, message: `must be ${String(p.type)}, got ${JSON.stringify(error.data)}` };
    case 'pattern':
      return { pointer: at, message: `must match the pattern ${String(p.pattern)}` };
    default:
      return { pointer: at, message: error.message ?? error.keyword };
  }
}

export function formatProblems(file: string, problems: Problem[]): string[] {
  return problems.map((problem) => `${file}: ${problem.pointer || '/'}: ${problem.message}`);
}

/** Parse JSON text, reporting a syntax error with its line and column. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    let where = '';
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      where = ` (line ${line}, column ${column})`;
    }
    return { ok: false, problem: { pointer: '', message: `not valid JSON${where}: ${message}` } };
  }
}
