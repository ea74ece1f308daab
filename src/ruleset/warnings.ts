/**
 * The warning ids of docs/WARNINGS.md (the notes this project comes from). A rule's
 * `source` must name ids from this list; a meta-test keeps it in step with the document.
 */
export const WARNING_IDS = [
  'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7',
  'B1', 'B2', 'B3', 'B4', 'B5',
  'C1', 'C2', 'C3',
  'D1', 'D2',
  'E1', 'E2', 'E3', 'E4',
  'F1', 'F2', 'F3',
  'G1', 'G2', 'G3',
  'H1', 'H2',
  'I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9',
] as const;
