/**
 * The multi-account model: one scan of many accounts (`scan --org`, or shards merged by
 * `awsaudit merge`). Each account is collected and evaluated on its own, exactly as a scan of
 * that account alone would be (same findings, same fingerprints); the run's evaluation is the
 * union of theirs plus what is written here about each account. A single-account scan has no
 * `organization`, and its reports are byte-for-byte what they were before.
 */

export { ACCOUNT_STATUSES, type AccountAccess, type AccountScan, type AccountStatus, type OrganizationScan } from '../engine/findings.js';
