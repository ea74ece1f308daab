/**
 * The JSON report's identity: `src/report/json.ts` writes it and `./baseline.ts` reads earlier
 * reports back, so the reader does not import the writer (reports depend on findings, not the
 * other way round).
 */
export const REPORT_FORMAT = 'awsaudit-report';
export const REPORT_VERSION = 1;
