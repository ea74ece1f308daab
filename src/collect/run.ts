import type { ResourceType } from '../resources/types.js';
import type { Resource } from '../snapshot/types.js';
import { ReadOnlyViolation, type ClientPool } from '../aws/pool.js';
import { DEFAULT_CALL_TIMEOUT_MS, formatDuration } from '../aws/timeouts.js';
import { RUN_TIMEOUT, settlesWithin, whenAborted } from '../util/deadline.js';
import { errorMessage } from '../util/errors.js';
import { errorCode, shortMessage } from './errors.js';
import { GapRecorder } from './gaps.js';
import { commandsOf, type CollectionPlan, type PlannedCollector } from './plan.js';
import { createProgress, type Progress } from './progress.js';
import type { ServiceClients, ServiceName } from '../services/index.js';
import type { RegisteredCollector } from './registry.js';
import type { CallOptions, CallResult, CollectFunction, CollectorContext } from './types.js';
import { GLOBAL_UNIT, type TimedUnit } from '../org/shards.js';

/** A collector sent a command its descriptor does not declare for the wanted types: a bug, so the scan stops. */
export class UndeclaredCommand extends Error {
  constructor(collector: string, command: string) {
    super(`collector ${collector} sent ${command}, which its descriptor does not declare for the wanted types`);
    this.name = 'UndeclaredCommand';
  }
}

/** Errors that must stop the scan rather than become a coverage gap. */
function isFatal(error: unknown): boolean {
  return error instanceof ReadOnlyViolation || error instanceof UndeclaredCommand;
}

/** Bounds on a collection's time. */
export interface RunLimits {
  /** Aborted when the run's `--timeout` expires: calls in flight are abandoned and the rest is a gap. */
  deadline?: AbortSignal | undefined;
  /** How the deadline was given, for gap messages ("--timeout 5m"). */
  deadlineFlag?: string | undefined;
  /** `--call-timeout`, for gap messages. */
  callTimeoutMs?: number | undefined;
}

/** Parser errors of an answer that came but could not be read (cut short, not the protocol's format). */
const UNREADABLE_ANSWER = /XML parse error|in JSON at position|Unexpected (end of )?JSON|Unterminated string|Deserialization error/i;

/** The code and message of a failed call as a gap says them. */
function describeFailure(error: unknown, limits: RunLimits): { code: string; message: string } {
  const code = errorCode(error);
  if (code === 'TimeoutError')
    return { code, message: `no answer within ${formatDuration(limits.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS)} (--call-timeout)` };
  const message = shortMessage(error);
  if ((code === 'Error' || code === 'SyntaxError') && UNREADABLE_ANSWER.test(errorMessage(error)))
    return { code: 'MalformedResponse', message };
  return { code, message };
}

export interface RunScope {
  account: string;
  partition: string;
  regions: readonly string[];
  /** Where account-scope collectors run (the partition's global services). */
  globalRegion: string;
  /**
   * A shard's part of the account (`--shard`): the account-scope collectors run only when
   * `global` is set, the regional ones only in `regions`. Absent: everything.
   */
  only?: { global: boolean; regions: readonly string[] } | undefined;
}

/**
 * One collection: runs every planned collector (regional ones once per region) in
 * parallel, gives each a context that holds it to its declared commands, and gathers
 * resources, coverage gaps and counts for the progress display.
 */
export class CollectionRun {
  readonly resources: Resource[] = [];
  readonly gaps = new GapRecorder();
  /** Calls that got an answer (including "nothing configured"). */
  answered = 0;
  private tasksDone = 0;
  private readonly tasks: Array<{ planned: PlannedCollector; region: string }> = [];
  /** Collector run time per unit (global, or a region), ms: the weights that balance the next run's shards. */
  private readonly unitMs = new Map<string, number>();
  private readonly allowed = new Map<RegisteredCollector, Set<string>>();
  /** The SDK clients the planned collectors send through. */
  private readonly services = new Set<ServiceName>();
  private readonly code = new Map<RegisteredCollector, CollectFunction<ResourceType, ServiceClients>>();
  /** Set when the deadline cut the run short: what collectors still report after that is dropped. */
  private closed = false;
  readonly progress: Progress;

  constructor(
    plan: CollectionPlan,
    private readonly scope: RunScope,
    private readonly pool: ClientPool,
    showProgress: boolean,
    private readonly limits: RunLimits = {},
  ) {
    const { only } = scope;
    const regional = only ? scope.regions.filter((r) => only.regions.includes(r)) : scope.regions;
    for (const planned of plan.collectors) {
      if (planned.collector.descriptor.scope === 'regional') for (const region of regional) this.tasks.push({ planned, region });
      else if (!only || only.global) this.tasks.push({ planned, region: scope.globalRegion });
    }
    // Every unit of this run is listed, with 0 ms when none of its collectors was planned.
    if (!only || only.global) this.unitMs.set(GLOBAL_UNIT, 0);
    for (const region of regional) this.unitMs.set(region, 0);
    for (const cmd of commandsOf(plan)) {
      const planned = plan.collectors.find((p) => p.collector.descriptor.id === cmd.collector);
      if (!planned) continue;
      let set = this.allowed.get(planned.collector);
      if (!set) this.allowed.set(planned.collector, (set = new Set()));
      set.add(`${cmd.service}:${cmd.command}`);
      this.services.add(cmd.service);
    }
    this.progress = createProgress(process.stderr, showProgress, () => ({
      tasksDone: this.tasksDone,
      tasksTotal: this.tasks.length,
      calls: this.pool.stats.requests,
      resources: this.resources.length,
      gaps: this.gaps.size,
    }));
  }

  /**
   * Run every task. When the deadline expires first, calls in flight are aborted (their
   * collectors record gaps and finish), and after a short wind-down every task still running
   * is a gap of its own; what was collected until then stands.
   */
  async runAll(): Promise<void> {
    // Only now are the SDK packages and collector code of this scan imported: those its rules need.
    await Promise.all([
      this.pool.load(this.services),
      ...[...new Set(this.tasks.map((t) => t.planned.collector))].map(
        async (collector) => void this.code.set(collector, await collector.load()),
      ),
    ]);
    const finished = new Set<number>();
    const all = Promise.all(this.tasks.map((task, i) => this.runTask(task.planned, task.region).then(() => void finished.add(i))));
    const { deadline } = this.limits;
    if (!deadline) {
      await all;
      return;
    }
    if ((await Promise.race([all.then(() => 'done' as const), whenAborted(deadline).then(() => 'expired' as const)])) === 'done') return;
    // Collectors get a moment to wind down: their calls fail at once on the aborted signal.
    await settlesWithin(all);
    if (finished.size === this.tasks.length) return;
    // The run is over: a fatal error from a task cut off here is of no use to anyone now.
    all.catch(() => undefined);
    this.tasks.forEach((task, i) => {
      if (finished.has(i)) return;
      const { descriptor } = task.planned.collector;
      this.gaps.record({
        service: descriptor.service,
        region: descriptor.scope === 'account' ? 'global' : task.region,
        operation: `(${descriptor.id} collector)`,
        errorCode: RUN_TIMEOUT,
        message: `not finished when ${this.limits.deadlineFlag ?? "the run's deadline"} expired`,
        resourceTypes: [...task.planned.wanted],
      });
    });
    this.closed = true;
  }

  private get expired(): boolean {
    return this.limits.deadline?.aborted ?? false;
  }

  /** The units this run read and the collector time spent on each, sorted by unit. */
  unitTimes(): TimedUnit[] {
    return [...this.unitMs]
      .map(([region, ms]) => ({ account: this.scope.account, region, ms: Math.round(ms) }))
      .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  }

  private async runTask(planned: PlannedCollector, region: string): Promise<void> {
    const { descriptor } = planned.collector;
    const unit = descriptor.scope === 'regional' ? region : GLOBAL_UNIT;
    const started = performance.now();
    try {
      const collect = this.code.get(planned.collector);
      if (!collect) throw new Error(`collector ${descriptor.id} was not loaded`);
      await collect(this.context(planned, region));
    } catch (error) {
      if (isFatal(error)) throw error;
      if (this.closed) return;
      // A bug in one collector (an answer shaped in a way it did not expect) must not lose
      // the rest of the scan; it is reported like anything else that could not be seen. After
      // the deadline, a collector that stops on its aborted call is just cut off.
      this.gaps.record({
        service: descriptor.service,
        region: descriptor.scope === 'account' ? 'global' : region,
        operation: `(${descriptor.id} collector)`,
        errorCode: this.expired ? RUN_TIMEOUT : 'InternalError',
        message: this.expired
          ? `stopped when ${this.limits.deadlineFlag ?? "the run's deadline"} expired`
          : `awsaudit could not process the answer: ${shortMessage(error)}`,
        resourceTypes: [...planned.wanted],
      });
    }
    this.unitMs.set(unit, (this.unitMs.get(unit) ?? 0) + performance.now() - started);
    if (this.closed) return;
    this.tasksDone++;
    this.progress.update();
  }

  private context(planned: PlannedCollector, region: string): CollectorContext<ResourceType, ServiceClients> {
    const { collector, wanted } = planned;
    const { descriptor } = collector;
    const mine = this.allowed.get(collector) ?? new Set<string>();
    const { account, partition, regions } = this.scope;
    const { deadline } = this.limits;
    return {
      account,
      partition,
      region,
      regions,
      wants: (type) => wanted.has(type),
      client: <S extends ServiceName>(service: S, clientRegion?: string): ServiceClients[S] => {
        // A client none of whose commands is declared was not loaded for this scan: the same bug as an undeclared command.
        if (![...mine].some((key) => key.startsWith(`${service}:`))) throw new UndeclaredCommand(descriptor.id, `a command of ${service}`);
        const client = this.pool.get(service, clientRegion ?? region);
        // The collector may send only what its descriptor declares for the wanted types.
        return new Proxy(client, {
          get(target, prop, receiver) {
            if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
            return (command: object, ...args: unknown[]) => {
              let rest = args;
              const name = command.constructor.name;
              if (!mine.has(`${service}:${name}`)) return Promise.reject(new UndeclaredCommand(descriptor.id, `${service} ${name}`));
              // The run's deadline aborts the call wherever it is: waiting for a slot, for an answer, or between retries.
              if (deadline && rest.length === 0) rest = [{ abortSignal: deadline }];
              else if (deadline && isPlainOptions(rest[0])) rest = [{ abortSignal: deadline, ...rest[0] }, ...rest.slice(1)];
              return (target.send as (c: object, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
            };
          },
        });
      },
      add: (resource) => {
        if (this.closed) return;
        const r: Resource = { type: resource.type, id: resource.id, account, region: resource.region ?? region, data: resource.data };
        if (resource.arn) r.arn = resource.arn;
        this.resources.push(r);
        this.progress.update();
      },
      call: async <T>(
        operation: string,
        types: readonly ResourceType[],
        fn: () => Promise<T>,
        options: CallOptions = {},
      ): Promise<CallResult<T>> => {
        try {
          const value = await fn();
          this.answered++;
          return { status: 'ok', value };
        } catch (error) {
          if (isFatal(error)) throw error;
          const code = errorCode(error);
          if (options.absent?.includes(code)) {
            this.answered++;
            return { status: 'absent', code };
          }
          // Aborted by the deadline (AbortError), or timed out just as it came.
          const failure =
            this.expired && (code === 'AbortError' || code === 'TimeoutError')
              ? { code: RUN_TIMEOUT, message: `no answer before ${this.limits.deadlineFlag ?? "the run's deadline"} expired` }
              : describeFailure(error, this.limits);
          if (!this.closed) {
            this.gaps.record({
              service: descriptor.service,
              region: options.region ?? (descriptor.scope === 'account' ? 'global' : region),
              operation,
              errorCode: failure.code,
              message: failure.message,
              resourceTypes: types,
              subject: options.subject,
            });
          }
          return { status: 'failed', code: failure.code };
        } finally {
          this.progress.update();
        }
      },
    };
  }
}

/** The options argument of `client.send(command, options)` (not a callback). */
function isPlainOptions(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !('abortSignal' in value);
}
