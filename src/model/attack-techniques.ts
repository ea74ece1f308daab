/**
 * MITRE ATT&CK (Enterprise) techniques that CloudTrail event rules name in their `tags`, in
 * Sigma's form: `attack.t1078.004` (lower case, `attack.` prefix). Checked in rather than read
 * from ATT&CK at run time (awsaudit makes no call but to AWS); a rule test fails on an id that is
 * not listed here, so a typo cannot ship as a technique. Names as in ATT&CK v16/v17.
 * Add an id only after checking it on https://attack.mitre.org/techniques/.
 */
export const ATTACK_TECHNIQUES: Readonly<Record<string, string>> = Object.freeze({
  T1021: 'Remote Services',
  'T1021.007': 'Remote Services: Cloud Services',
  T1069: 'Permission Groups Discovery',
  'T1069.003': 'Permission Groups Discovery: Cloud Groups',
  T1070: 'Indicator Removal',
  T1078: 'Valid Accounts',
  'T1078.004': 'Valid Accounts: Cloud Accounts',
  T1087: 'Account Discovery',
  'T1087.004': 'Account Discovery: Cloud Account',
  T1098: 'Account Manipulation',
  'T1098.001': 'Account Manipulation: Additional Cloud Credentials',
  'T1098.003': 'Account Manipulation: Additional Cloud Roles',
  T1110: 'Brute Force',
  'T1110.001': 'Brute Force: Password Guessing',
  'T1110.003': 'Brute Force: Password Spraying',
  'T1110.004': 'Brute Force: Credential Stuffing',
  T1136: 'Create Account',
  'T1136.003': 'Create Account: Cloud Account',
  T1190: 'Exploit Public-Facing Application',
  T1484: 'Domain or Tenant Policy Modification',
  'T1484.002': 'Domain or Tenant Policy Modification: Trust Modification',
  T1485: 'Data Destruction',
  'T1485.001': 'Data Destruction: Lifecycle-Triggered Deletion',
  T1486: 'Data Encrypted for Impact',
  T1490: 'Inhibit System Recovery',
  T1496: 'Resource Hijacking',
  T1525: 'Implant Internal Image',
  T1526: 'Cloud Service Discovery',
  T1530: 'Data from Cloud Storage',
  T1531: 'Account Access Removal',
  T1535: 'Unused/Unsupported Cloud Regions',
  T1537: 'Transfer Data to Cloud Account',
  T1538: 'Cloud Service Dashboard',
  T1550: 'Use Alternate Authentication Material',
  'T1550.001': 'Use Alternate Authentication Material: Application Access Token',
  T1552: 'Unsecured Credentials',
  'T1552.001': 'Unsecured Credentials: Credentials In Files',
  'T1552.005': 'Unsecured Credentials: Cloud Instance Metadata API',
  T1556: 'Modify Authentication Process',
  'T1556.006': 'Modify Authentication Process: Multi-Factor Authentication',
  T1562: 'Impair Defenses',
  'T1562.001': 'Impair Defenses: Disable or Modify Tools',
  'T1562.007': 'Impair Defenses: Disable or Modify Cloud Firewall',
  'T1562.008': 'Impair Defenses: Disable or Modify Cloud Logs',
  T1567: 'Exfiltration Over Web Service',
  'T1567.002': 'Exfiltration Over Web Service: Exfiltration to Cloud Storage',
  T1578: 'Modify Cloud Compute Infrastructure',
  'T1578.001': 'Modify Cloud Compute Infrastructure: Create Snapshot',
  'T1578.002': 'Modify Cloud Compute Infrastructure: Create Cloud Instance',
  'T1578.003': 'Modify Cloud Compute Infrastructure: Delete Cloud Instance',
  'T1578.005': 'Modify Cloud Compute Infrastructure: Modify Cloud Compute Configurations',
  T1580: 'Cloud Infrastructure Discovery',
  T1619: 'Cloud Storage Object Discovery',
  T1648: 'Serverless Execution',
  T1651: 'Cloud Administration Command',
  T1666: 'Modify Cloud Resource Hierarchy',
});

/** `attack.t1078.004` — the tag form (Sigma's). */
export const ATTACK_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/;

/** The technique id of an ATT&CK tag (`attack.t1078.004` → `T1078.004`), or undefined for any other tag. */
export function attackTechniqueOf(tag: string): string | undefined {
  const m = ATTACK_TAG.exec(tag);
  return m ? m[1]!.toUpperCase() : undefined;
}

/** The techniques of a rule's tags, with their names (unknown ids are named "unknown technique"). */
export function attackTechniques(tags: readonly string[] | undefined): Array<{ id: string; name: string; url: string }> {
  const out: Array<{ id: string; name: string; url: string }> = [];
  for (const tag of tags ?? []) {
    const id = attackTechniqueOf(tag);
    if (!id) continue;
    out.push({
      id,
      name: ATTACK_TECHNIQUES[id] ?? 'unknown technique',
      url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`,
    });
  }
  return out;
}
