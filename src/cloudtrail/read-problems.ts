import type { CoverageGap } from '../snapshot/types.js';
import { UserError } from '../util/errors.js';
import { PLACES_NAMED, firstPlaces, type ChunkProblem, type ChunkResult, type PlaceNote } from './event-evaluator.js';

type Gap = Omit<CoverageGap, 'service' | 'resourceTypes'>;

interface FileEntry {
  region: string;
  records: number;
  unreadable: number;
  unreadableAt: PlaceNote[];
  unevaluated: number;
  unevaluatedAt: PlaceNote[];
  problems: ChunkProblem[];
}

/**
 * What could not be read, file by file. A large file arrives in many batches, finished in any
 * order by the workers; its problems are gathered here and become that file's gaps at the end:
 * one per kind of problem, naming the first few records or lines by their place in the file.
 * The gaps depend only on the file's bytes, never on how it was cut into batches.
 */
export class ReadProblems {
  private readonly files = new Map<string, FileEntry>();
  /** Totals over every file. */
  unreadable = 0;
  unevaluated = 0;

  private entry(file: string, region: string): FileEntry {
    let entry = this.files.get(file);
    if (!entry) {
      entry = { region, records: 0, unreadable: 0, unreadableAt: [], unevaluated: 0, unevaluatedAt: [], problems: [] };
      this.files.set(file, entry);
    }
    return entry;
  }

  /** What one chunk of `file` (the whole file, or one of its batches) gave. */
  add(file: string, region: string, r: ChunkResult): void {
    const entry = this.entry(file, region);
    entry.records += r.records;
    for (const p of r.problems) this.problem(file, region, p);
    if (r.unreadable) {
      entry.unreadable += r.unreadable;
      this.unreadable += r.unreadable;
      entry.unreadableAt = firstPlaces([...entry.unreadableAt, ...r.unreadableAt]);
    }
    if (r.unevaluated) {
      entry.unevaluated += r.unevaluated;
      this.unevaluated += r.unevaluated;
      entry.unevaluatedAt = firstPlaces([...entry.unevaluatedAt, ...r.unevaluatedAt]);
    }
  }

  /** An item the splitter could not keep (too large). */
  skipped(file: string, region: string, note: PlaceNote): void {
    const entry = this.entry(file, region);
    entry.unreadable++;
    this.unreadable++;
    entry.unreadableAt = firstPlaces([...entry.unreadableAt, note]);
  }

  /** Something wrong with the file as a whole (cut, not JSON, trailing bytes, a damaged gzip stream). */
  problem(file: string, region: string, problem: ChunkProblem): void {
    const entry = this.entry(file, region);
    if (!entry.problems.some((p) => p.code === problem.code && p.message === problem.message))
      entry.problems.push({ code: problem.code, message: problem.message });
  }

  /** The gaps, file by file in name order: the file's own problems, then its unreadable and unevaluated records. */
  gaps(): Gap[] {
    const out: Gap[] = [];
    for (const file of [...this.files.keys()].sort()) {
      const e = this.files.get(file)!;
      const base = { region: e.region, operation: file };
      for (const p of e.problems) out.push({ ...base, errorCode: p.code, message: p.message });
      if (e.unreadable) {
        const items = e.records + e.unreadable;
        const named = describePlaces(e.unreadableAt, e.unreadable);
        if (e.records === 0 && e.problems.length === 0) {
          out.push({
            ...base,
            errorCode: 'NotCloudTrail',
            message: `none of its ${items} item(s) could be read as a CloudTrail record: ${named}`,
          });
        } else {
          out.push({
            ...base,
            errorCode: 'InvalidRecords',
            message: `${e.unreadable} of ${items} record(s) could not be read and were skipped: ${named}`,
          });
        }
      }
      if (e.unevaluated) {
        out.push({
          ...base,
          errorCode: 'RecordNotEvaluated',
          message: `${e.unevaluated} of ${e.records} record(s) could not be evaluated: ${describePlaces(e.unevaluatedAt, e.unevaluated, ' ')}`,
        });
      }
    }
    return out;
  }
}

/** `record 5 (not valid JSON), line 9 (…), and 3 more`. */
function describePlaces(notes: readonly PlaceNote[], total: number, between = ' ('): string {
  const close = between === ' (' ? ')' : '';
  const shown = notes.slice(0, PLACES_NAMED).map((n) => `${n.unit} ${n.n}${between}${n.reason}${close}`);
  const more = total - shown.length;
  return shown.join(', ') + (more > 0 ? `, and ${more} more` : '');
}

/**
 * A CloudTrail run that could read no record at all, and met problems doing so (every file
 * unreadable or corrupt, the archive or the API refused): like a live scan that collected
 * nothing, the tool could not do its job. Undefined when something was read, or when there was
 * simply nothing to read (an empty folder, a quiet window).
 */
export function nothingReadError(result: {
  stats: { records: number };
  gaps: ReadonlyArray<Omit<CoverageGap, 'service' | 'resourceTypes'>>;
}): UserError | undefined {
  if (result.stats.records > 0 || result.gaps.length === 0) return undefined;
  const first = result.gaps[0]!;
  return new UserError(
    `nothing could be read from --cloudtrail: ${result.gaps.length} file(s)/object(s) could not be read, e.g. ${first.operation}: ${first.errorCode} — ${first.message}`,
    'check the paths or the archive and their permissions, and that they hold CloudTrail logs (.json or .json.gz)',
  );
}
