import pLimit, { type LimitFunction } from 'p-limit';
import { CLIENT_FACTORIES, type ServiceClients, type ServiceName } from '../services/index.js';
import type { AwsClient, ClientConfig, CredentialsProvider } from './client.js';
import { callTimeoutSettings } from './timeouts.js';

export type { CredentialsProvider } from './client.js';

/** How to reach AWS: the same settings for every client of a run (collectors and CloudTrail readers alike). */
export interface AwsSettings {
  /** Named profile (`--profile`); otherwise the SDK's default chain (env, SSO, files, instance/container role). */
  profile?: string | undefined;
  /** One endpoint for every service (`--endpoint-url`, `AWS_ENDPOINT_URL`), e.g. an emulator. */
  endpoint?: string | undefined;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** Concurrent requests per service and region. */
  maxConcurrency: number;
  credentials: CredentialsProvider;
  /** How long one attempt of a call may wait for an answer (`--call-timeout`); default DEFAULT_CALL_TIMEOUT_MS. */
  callTimeoutMs?: number | undefined;
}

/**
 * The SDK's default credential chain for a profile (or the default chain without one),
 * created on first use: the provider package is imported only when a call is signed, and one
 * chain serves every client, so SSO, assume-role or instance credentials are resolved once.
 */
export function defaultCredentials(profile: string | undefined): CredentialsProvider {
  let chain: Promise<CredentialsProvider> | undefined;
  return async (properties) => {
    chain ??= import('@aws-sdk/credential-provider-node').then((m) => m.defaultProvider(profile ? { profile } : {}));
    return (await chain)(properties);
  };
}

/** The flags that say how to reach AWS (`--profile`, `--endpoint-url`, `--max-attempts`, `--retry-mode`, `--max-concurrency`, `--call-timeout`). */
export interface AwsAccessOptions {
  profile?: string | undefined;
  endpoint?: string | undefined;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  maxConcurrency: number;
  callTimeoutMs?: number | undefined;
}

/** The pool of a run: collectors and CloudTrail readers take their clients from it. */
export function createPool(
  options: AwsAccessOptions,
  instrument?: (client: AnyClient, service: ServiceName, region: string) => void,
): ClientPool {
  const { profile, endpoint, maxAttempts, retryMode, maxConcurrency, callTimeoutMs } = options;
  return new ClientPool(
    { profile, endpoint, maxAttempts, retryMode, maxConcurrency, callTimeoutMs, credentials: defaultCredentials(profile) },
    instrument,
  );
}

/** Calls made, for the progress display, the benchmark and the read-only cross-check. */
export interface CallStats {
  /** Commands sent, by SDK command class name (one per `send`, retries not counted). */
  commands: Map<string, number>;
  /** HTTP requests made, retries included. */
  requests: number;
}

export type AnyClient = ServiceClients[ServiceName];

/** Names of commands that only read: what the read-only guard lets through. */
export const READ_ONLY_COMMAND = /^(Describe|List|Get|Lookup|Select)[A-Z]\w*Command$|^GenerateCredentialReportCommand$/;

export class ReadOnlyViolation extends Error {
  constructor(command: string) {
    super(`refusing to send ${command}: awsaudit only sends Describe/List/Get/Lookup/Select calls`);
    this.name = 'ReadOnlyViolation';
  }
}

/** What one use of a client needs differently from the run's settings. */
export interface ClientOptions {
  /**
   * Attempts per call of the SDK's own retry (default: the run's --max-attempts). A reader that
   * paces and retries its requests itself (LookupEvents) sets 1 and applies --max-attempts in
   * its own loop.
   */
  maxAttempts?: number;
  /** Follow S3's redirect to a bucket's own region (a bucket whose region is not known). */
  followRegionRedirects?: boolean;
}

/**
 * The configuration of one SDK client: the one place where credentials, endpoint, retries and
 * timeouts are set for every AWS call awsaudit makes.
 */
export function clientConfig(service: ServiceName, region: string, settings: AwsSettings, options: ClientOptions = {}): ClientConfig {
  const { endpoint, profile } = settings;
  const config: ClientConfig = {
    region,
    credentials: settings.credentials,
    maxAttempts: options.maxAttempts ?? settings.maxAttempts,
    retryMode: settings.retryMode,
    // Without deadlines a call that is never answered would hang the scan forever (--call-timeout).
    requestHandler: callTimeoutSettings(settings.callTimeoutMs),
  };
  if (profile !== undefined) config.profile = profile;
  if (options.followRegionRedirects) config.followRegionRedirects = true;
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    Object.assign(config, CLIENT_FACTORIES[service].endpointConfig?.(endpoint));
  }
  return config;
}

type MakeClient = new (config: ClientConfig) => AwsClient;

/**
 * One SDK client per service, region and use, created on first use and shared by every
 * collector and CloudTrail reader of a run. The SDK package of a service is imported only when
 * the run first needs it (`load`). Each client carries a read-only guard (a command that is not
 * a read is refused before it is signed), a concurrency limit per service and region (held for
 * the whole command, retries included, so backoff also slows the caller), and call counters.
 */
export class ClientPool {
  private readonly clients = new Map<string, AwsClient>();
  private readonly limits = new Map<string, LimitFunction>();
  private readonly constructors = new Map<ServiceName, MakeClient>();
  private readonly loading = new Map<ServiceName, Promise<void>>();
  readonly stats: CallStats = { commands: new Map(), requests: 0 };

  constructor(
    readonly settings: AwsSettings,
    /** Extra instrumentation for each new client (tests add their own middleware here). */
    private readonly instrument?: (client: AnyClient, service: ServiceName, region: string) => void,
  ) {
    // The SDK warns on stderr about its own future Node.js support; that is for the
    // developers of awsaudit, not for the people running it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  }

  /** Import the SDK packages of these services (once each); `get` can then hand out their clients. */
  async load(services: Iterable<ServiceName>): Promise<void> {
    await Promise.all(
      [...new Set(services)].map((service) => {
        let done = this.loading.get(service);
        if (!done) {
          done = CLIENT_FACTORIES[service].load().then((make) => void this.constructors.set(service, make as MakeClient));
          this.loading.set(service, done);
        }
        return done;
      }),
    );
  }

  /** A client of a service whose SDK package is loaded (see `load`; `client` does both). */
  get<S extends ServiceName>(service: S, region: string, options: ClientOptions = {}): ServiceClients[S] {
    const key = `${service}\u0000${region}\u0000${options.maxAttempts ?? ''}\u0000${options.followRegionRedirects ? 'follow' : ''}`;
    const existing = this.clients.get(key);
    if (existing) return existing as ServiceClients[S];
    const make = this.constructors.get(service);
    if (!make) throw new Error(`client pool: the SDK package of ${service} is not loaded`);
    const client = new make(clientConfig(service, region, this.settings, options)) as ServiceClients[S];
    // The limit is per service and region, whatever the use: it is what AWS throttles on.
    const limitKey = `${service}\u0000${region}`;
    let limit = this.limits.get(limitKey);
    if (!limit) this.limits.set(limitKey, (limit = pLimit(this.settings.maxConcurrency)));
    this.addMiddleware(client, limit);
    this.instrument?.(client, service, region);
    this.clients.set(key, client);
    return client;
  }

  /** Load the service's SDK package if need be, and hand out its client. */
  async client<S extends ServiceName>(service: S, region: string, options: ClientOptions = {}): Promise<ServiceClients[S]> {
    await this.load([service]);
    return this.get(service, region, options);
  }

  /**
   * The region the SDK itself would use (AWS_REGION, AWS_DEFAULT_REGION, the profile's
   * `region`), or undefined when none is configured anywhere.
   */
  async defaultRegion(): Promise<string | undefined> {
    try {
      await this.load(['sts']);
      const { profile } = this.settings;
      // A bare client: only its region resolution is used, nothing is sent.
      const Probe = this.constructors.get('sts') as unknown as new (config: {
        profile?: string;
      }) => AwsClient & { config: { region(): Promise<string> } };
      const probe = new Probe(profile ? { profile } : {});
      try {
        return (await probe.config.region()) || undefined;
      } finally {
        probe.destroy();
      }
    } catch {
      return undefined;
    }
  }

  private addMiddleware(client: AwsClient, limit: LimitFunction): void {
    const stats = this.stats;
    // The clients' middleware stacks differ only in their input/output types; the three
    // middlewares below read nothing but the command name, so one untyped stack is enough.
    const stack = client.middlewareStack as unknown as {
      add(middleware: unknown, options: { step: string; name: string; priority?: string }): void;
    };
    type Next = (args: unknown) => Promise<unknown>;
    type Context = { commandName?: string };
    stack.add(
      (next: Next, context: Context) => async (args: unknown) => {
        const command = context.commandName ?? 'UnknownCommand';
        if (!READ_ONLY_COMMAND.test(command)) throw new ReadOnlyViolation(command);
        stats.commands.set(command, (stats.commands.get(command) ?? 0) + 1);
        return limit(() => next(args));
      },
      { step: 'initialize', name: 'awsauditReadOnlyLimit', priority: 'high' },
    );
    // The deserialize step runs once per attempt (it sits inside the retry loop).
    stack.add(
      (next: Next) => async (args: unknown) => {
        stats.requests++;
        return next(args);
      },
      { step: 'deserialize', name: 'awsauditRequestCount', priority: 'high' },
    );
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
