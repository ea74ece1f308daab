// The metric-filter pattern parser decides whether a CloudWatch Logs filter catches the CloudTrail
// events a CIS monitoring recommendation asks for, by running the pattern over representative
// events (never by comparing text): AWS's documented patterns and reordered / respaced variants
// must cover their events; broken variants must not.
import { describe, expect, it } from 'vitest';
import { matchesEvent, parseFilterPattern, type FilterPattern } from '../src/services/logs/filter-pattern.js';
import { MONITORED_EVENT_SETS } from '../src/services/logs/monitored-events.js';
import { missedEvents } from '../src/services/logs/monitoring.js';

function compile(text: string): FilterPattern {
  const r = parseFilterPattern(text);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  return r.pattern;
}

function set(cis: string) {
  const s = MONITORED_EVENT_SETS.find((x) => x.cis === cis);
  if (!s) throw new Error(cis);
  return s;
}

// The patterns of the CIS AWS Foundations Benchmark (v1.5 to v6.0 wording) for 5.1 to 5.15.
const CIS_PATTERNS: Record<string, string[]> = {
  '5.1': [
    '{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
    '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    '{(($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}',
  ],
  '5.2': [
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  ],
  '5.3': ['{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'],
  '5.4': [
    '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
    '{ ($.eventSource = iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)) }',
  ],
  '5.5': [
    '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
  ],
  '5.6': [
    '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    '{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed authentication) }',
  ],
  '5.7': ['{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }'],
  '5.8': [
    '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
  ],
  '5.9': [
    '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }',
  ],
  '5.10': [
    '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
  ],
  '5.11': [
    '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
  ],
  '5.12': [
    '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
  ],
  '5.13': [
    '{($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }',
  ],
  '5.14': [
    '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
  ],
  '5.15': [
    '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
  ],
};

/** Reverse the operands of every top-level `||` inside the braces, and squeeze or widen the spaces. */
function reorder(pattern: string): string {
  const inner = pattern.trim().replace(/^\{/u, '').replace(/\}$/u, '');
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && inner.startsWith('||', i)) {
      parts.push(inner.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(inner.slice(start));
  return `{${parts
    .map((p) => p.trim())
    .reverse()
    .join('  ||\n  ')}}`;
}

describe('CIS monitoring filter patterns', () => {
  it('covers a set for each documented pattern, as written, reordered and respaced', () => {
    expect(Object.keys(CIS_PATTERNS)).toHaveLength(15);
    for (const [cis, patterns] of Object.entries(CIS_PATTERNS)) {
      for (const p of patterns) {
        expect(missedEvents(compile(p), set(cis)), `${cis} ${p}`).toEqual([]);
        expect(missedEvents(compile(reorder(p)), set(cis)), `${cis} reordered ${reorder(p)}`).toEqual([]);
        const squeezed = p.replace(/\s*(\|\||&&|!=|=|\(|\)|\{|\})\s*/gu, '$1');
        expect(missedEvents(compile(squeezed), set(cis)), `${cis} squeezed ${squeezed}`).toEqual([]);
      }
    }
  });

  it('a pattern for one change does not cover another', () => {
    expect(missedEvents(compile(CIS_PATTERNS['5.10']![0]!), set('5.11')).length).toBeGreaterThan(0);
    expect(missedEvents(compile(CIS_PATTERNS['5.6']![0]!), set('5.2'))).toEqual(['ConsoleLogin without MFA']);
  });

  it('names the event a filter misses when one eventName is left out', () => {
    const p = CIS_PATTERNS['5.5']![0]!.replace('|| ($.eventName = StopLogging) ', '');
    expect(missedEvents(compile(p), set('5.5'))).toEqual(['StopLogging']);
    const iam = CIS_PATTERNS['5.4']![0]!.replace('||($.eventName=DetachGroupPolicy)', '');
    expect(missedEvents(compile(iam), set('5.4'))).toEqual(['DetachGroupPolicy']);
  });

  it('fails && written instead of ||', () => {
    const p = CIS_PATTERNS['5.10']![0]!.replaceAll('||', '&&');
    expect(missedEvents(compile(p), set('5.10'))).toHaveLength(6);
    const kms = '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)&&($.eventName=ScheduleKeyDeletion)) }';
    expect(missedEvents(compile(kms), set('5.7'))).toEqual(['DisableKey', 'ScheduleKeyDeletion']);
  });

  it('fails a filter narrowed to one kind of caller, or to the wrong event source', () => {
    const users = `{ ($.userIdentity.type = "IAMUser") && (${CIS_PATTERNS['5.13']![0]!.slice(1, -1)}) }`;
    expect(missedEvents(compile(users), set('5.13'))).toHaveLength(7);
    const wrongSource = CIS_PATTERNS['5.7']![0]!.replace('kms.amazonaws.com', 'kms.amazonaws.co');
    expect(missedEvents(compile(wrongSource), set('5.7'))).toEqual(['DisableKey', 'ScheduleKeyDeletion']);
  });

  it('fails a root pattern that drops the console sign-in (AwsConsoleSignIn) by requiring AwsApiCall', () => {
    const p = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType = "AwsApiCall" }';
    expect(missedEvents(compile(p), set('5.3'))).toEqual(['root ConsoleLogin']);
  });

  it('fails an MFA filter that tests the wrong value', () => {
    const p = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "Yes") }';
    expect(missedEvents(compile(p), set('5.2'))).toEqual(['ConsoleLogin without MFA']);
  });

  it('treats wildcards, regex values and broad patterns as AWS does', () => {
    expect(missedEvents(compile('{ $.eventName = "*" }'), set('5.10'))).toEqual([]);
    expect(missedEvents(compile('{ $.eventName = %^[A-Za-z]+eVpc$% }'), set('5.14')).sort()).toEqual(
      [
        'AcceptVpcPeeringConnection',
        'CreateVpcPeeringConnection',
        'DeleteVpcPeeringConnection',
        'ModifyVpcAttribute',
        'RejectVpcPeeringConnection',
      ].sort(),
    );
    expect(missedEvents(compile(''), set('5.1'))).toEqual([]);
    // A term pattern matches the raw record text.
    expect(missedEvents(compile('StopLogging'), set('5.5'))).toEqual(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging']);
    expect(missedEvents(compile('?CreateTrail ?UpdateTrail ?DeleteTrail ?StartLogging ?StopLogging'), set('5.5'))).toEqual([]);
  });

  it('leaves an event undecided when && and || mixed without parentheses group differently', () => {
    // Read as A || (B && C) it catches the StopLogging event; read left to right, (A || B) && C, it does not.
    const p = compile('{ $.eventName = StopLogging || $.eventName = CreateTrail && $.userIdentity.type = "Root" }');
    const stop = set('5.5').events.find((e) => e.label === 'StopLogging')!.event;
    expect(matchesEvent(p, stop)).toBeNull();
    expect(missedEvents(p, set('5.5'))).not.toContain('StopLogging');
    // With parentheses there is one reading.
    expect(
      matchesEvent(compile('{ $.eventName = StopLogging || ($.eventName = CreateTrail && $.userIdentity.type = "Root") }'), stop),
    ).toBe(true);
    expect(
      matchesEvent(compile('{ ($.eventName = StopLogging || $.eventName = CreateTrail) && $.userIdentity.type = "Root" }'), stop),
    ).toBe(false);
  });

  it('reads IS NULL, NOT EXISTS, IS TRUE/FALSE and numeric comparisons', () => {
    const ev = { a: null, b: true, n: 5, s: 'x', list: [{ k: 'v' }] };
    expect(matchesEvent(compile('{ $.a IS NULL }'), ev)).toBe(true);
    expect(matchesEvent(compile('{ $.s IS NULL }'), ev)).toBe(false);
    expect(matchesEvent(compile('{ $.missing NOT EXISTS }'), ev)).toBe(true);
    expect(matchesEvent(compile('{ $.a NOT EXISTS }'), ev)).toBe(false);
    expect(matchesEvent(compile('{ $.b IS TRUE }'), ev)).toBe(true);
    expect(matchesEvent(compile('{ $.b IS FALSE }'), ev)).toBe(false);
    expect(matchesEvent(compile('{ $.n >= 5 && $.n < 6 }'), ev)).toBe(true);
    expect(matchesEvent(compile('{ $.n = 5 }'), ev)).toBe(true);
    expect(matchesEvent(compile('{ $.list[0].k = "v" }'), ev)).toBe(true);
    expect(matchesEvent(compile('{ $.missing != "x" }'), ev)).toBe(false);
  });

  it('refuses what it cannot read, with the reason', () => {
    expect(parseFilterPattern('[ip, user, ...]')).toMatchObject({ ok: false });
    expect(parseFilterPattern('{ $.eventName = "x" ')).toMatchObject({ ok: false });
    expect(parseFilterPattern('{ ($.eventName = "x" }')).toMatchObject({ ok: false });
    expect(parseFilterPattern('{ $.eventName ~ "x" }')).toMatchObject({ ok: false, error: expect.stringContaining('operator') });
    expect(parseFilterPattern('{ $.n > abc }')).toMatchObject({ ok: false });
    // A regex from the account that could backtrack exponentially is refused rather than run.
    expect(parseFilterPattern('{ $.eventName = %^(a|aa)+$% }')).toMatchObject({ ok: false, error: expect.stringContaining('exponential') });
    expect(parseFilterPattern('{ $.eventName = %Delete.*Policy% }')).toMatchObject({ ok: true });
  });
});
