import type { ResourceType } from '../resources/types.js';
import type { Resource } from '../snapshot/types.js';
import { ReadOnlyViolation, type ClientPool } from '../aws/pool.js';
import { errorCode, shortMessage } from './errors.js';
import { GapRecorder } from './gaps.js';
import { commandsOf, type CollectionPlan, type PlannedCollector } from './plan.js';
import { createProgress, type Progress } from './progress.js';
import type { ServiceClients, ServiceName } from '../services/index.js';
import type { RegisteredCollector } from './registry.js';
import type { CallOptions, CallResult, CollectFunction, CollectorContext } from './types.js';

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

export interface RunScope {
  account: string;
  partition: string;
  regions: readonly string[];
  /** Where account-scope collectors run (the partition's global services). */
  globalRegion: string;
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
  private readonly allowed = new Map<RegisteredCollector, Set<string>>();
  /** The SDK clients the planned collectors send through. */
  private readonly services = new Set<ServiceName>();
  private readonly code = new Map<RegisteredCollector, CollectFunction<ResourceType, ServiceClients>>();
  readonly progress: Progress;

  constructor(
    plan: CollectionPlan,
    private readonly scope: RunScope,
    private readonly pool: ClientPool,
    showProgress: boolean,
  ) {
    for (const planned of plan.collectors) {
      if (planned.collector.descriptor.scope === 'regional') for (const region of scope.regions) this.tasks.push({ planned, region });
      else this.tasks.push({ planned, region: scope.globalRegion });
    }
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

  async runAll(): Promise<void> {
    // Only now are the SDK packages and collector code of this scan imported: those its rules need.
    await Promise.all([
      this.pool.load(this.services),
      ...[...new Set(this.tasks.map((t) => t.planned.collector))].map(async (collector) => void this.code.set(collector, await collector.load())),
    ]);
    await Promise.all(this.tasks.map((task) => this.runTask(task.planned, task.region)));
  }

  private async runTask(planned: PlannedCollector, region: string): Promise<void> {
    const { descriptor } = planned.collector;
    try {
      const collect = this.code.get(planned.collector);
      if (!collect) throw new Error(`collector ${descriptor.id} was not loaded`);
      await collect(this.context(planned, region));
    } catch (error) {
      if (isFatal(error)) throw error;
      // A bug in one collector (an answer shaped in a way it did not expect) must not lose
      // the rest of the scan; it is reported like anything else that could not be seen.
      this.gaps.record({
        service: descriptor.service,
        region: descriptor.scope === 'account' ? 'global' : region,
        operation: `(${descriptor.id} collector)`,
        errorCode: 'InternalError',
        message: `awsaudit could not process the answer: ${shortMessage(error)}`,
        resourceTypes: [...planned.wanted],
      });
    }
    this.tasksDone++;
    this.progress.update();
  }

  private context(planned: PlannedCollector, region: string): CollectorContext<ResourceType, ServiceClients> {
    const { collector, wanted } = planned;
    const { descriptor } = collector;
    const mine = this.allowed.get(collector) ?? new Set<string>();
    const { account, partition, regions } = this.scope;
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
            return (command: object, ...rest: unknown[]) => {
              const name = command.constructor.name;
              if (!mine.has(`${service}:${name}`)) return Promise.reject(new UndeclaredCommand(descriptor.id, `${service} ${name}`));
              return (target.send as (c: object, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
            };
          },
        });
      },
      add: (resource) => {
        const r: Resource = { type: resource.type, id: resource.id, account, region: resource.region ?? region, data: resource.data };
        if (resource.arn) r.arn = resource.arn;
        this.resources.push(r);
        this.progress.update();
      },
      call: async <T>(operation: string, types: readonly ResourceType[], fn: () => Promise<T>, options: CallOptions = {}): Promise<CallResult<T>> => {
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
          this.gaps.record({
            service: descriptor.service,
            region: options.region ?? (descriptor.scope === 'account' ? 'global' : region),
            operation,
            errorCode: code,
            message: shortMessage(error),
            resourceTypes: types,
            subject: options.subject,
          });
          return { status: 'failed', code };
        } finally {
          this.progress.update();
        }
      },
    };
  }
}
