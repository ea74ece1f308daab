import { describe, expect, it } from 'vitest';
import { detectVariableSecrets, findAccessKeyIds, findSecretAccessKeys, isSecretNamedVariable, maskKeyId } from '../src/secrets/detect.js';

// AWS's documented example keys; real-looking pairs are never committed.
const EXAMPLE_ID = 'AKIAIOSFODNN7EXAMPLE';
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('secret detection', () => {
  it('finds long-term (AKIA) and temporary (ASIA) key ids, not longer or lower-case look-alikes', () => {
    const found = findAccessKeyIds(`id=${EXAMPLE_ID} tmp ASIAI44QH8DHBEXAMPLE x AKIAIOSFODNN7EXAMPLEX akiaiosfodnn7example`);
    expect(found.map((k) => [k.keyId, k.keyPrefix, k.keyKind])).toEqual([
      [EXAMPLE_ID, 'AKIA', 'long-term'],
      ['ASIAI44QH8DHBEXAMPLE', 'ASIA', 'temporary'],
    ]);
    expect(found[0]!.index).toBe(3);
  });

  it('masks a key id to its prefix and last four characters', () => {
    expect(maskKeyId(EXAMPLE_ID)).toBe('AKIA************MPLE');
    expect(maskKeyId(EXAMPLE_ID)).not.toContain('IOSFODNN7');
  });

  it('finds 40-character secret keys but not hex digests such as git commit ids', () => {
    expect(findSecretAccessKeys(`aws_secret_access_key = ${EXAMPLE_SECRET}`)).toHaveLength(1);
    expect(findSecretAccessKeys('commit 3f786850e387550fdab836ed7e6dc881de23001b')).toEqual([]);
    expect(findSecretAccessKeys(`${EXAMPLE_SECRET}A`)).toEqual([]);
  });

  it('secret-named variables count, references to secret stores and descriptive names do not', () => {
    expect(isSecretNamedVariable('DB_PASSWORD', 'hunter2')).toBe(true);
    expect(isSecretNamedVariable('GITHUB_TOKEN', 'x')).toBe(true);
    expect(isSecretNamedVariable('stripe_api_key', 'x')).toBe(true);
    expect(isSecretNamedVariable('DB_PASSWORD', '')).toBe(false);
    expect(isSecretNamedVariable('DB_PASSWORD_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db')).toBe(false);
    expect(isSecretNamedVariable('DB_PASSWORD', 'arn:aws:ssm:us-east-1:123456789012:parameter/db')).toBe(false);
    expect(isSecretNamedVariable('TOKEN_TTL', '3600')).toBe(false);
    expect(isSecretNamedVariable('LOG_LEVEL', 'debug')).toBe(false);
  });

  it('detectVariableSecrets reports kinds and masked ids, never a value', () => {
    const vars = { AWS_ACCESS_KEY_ID: EXAMPLE_ID, AWS_SECRET_ACCESS_KEY: EXAMPLE_SECRET, DB_PASSWORD: 'hunter2', CONFIG: `key ${EXAMPLE_ID}`, LOG_LEVEL: 'debug' };
    const found = detectVariableSecrets(vars);
    expect(found).toEqual([
      { variable: 'AWS_ACCESS_KEY_ID', kind: 'aws-access-key-id', keyIdMasked: 'AKIA************MPLE', keyPrefix: 'AKIA', keyKind: 'long-term' },
      { variable: 'AWS_SECRET_ACCESS_KEY', kind: 'aws-secret-access-key' },
      { variable: 'CONFIG', kind: 'aws-access-key-id', keyIdMasked: 'AKIA************MPLE', keyPrefix: 'AKIA', keyKind: 'long-term' },
      { variable: 'DB_PASSWORD', kind: 'secret-named-variable' },
    ]);
    const text = JSON.stringify(found);
    for (const value of [EXAMPLE_ID, EXAMPLE_SECRET, 'hunter2']) expect(text).not.toContain(value);
  });
});
