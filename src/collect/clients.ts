import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient } from '@aws-sdk/client-sts';
import type { defaultProvider } from '@aws-sdk/credential-provider-node';
import pLimit, { type LimitFunction } from 'p-limit';
import { callTimeoutSettings, type CallTimeoutSettings } from './timeouts.js';
import type { ServiceClients, ServiceName } from './types.js';

/** A credentials provider, as the SDK's default chain returns it. */
export type CredentialsProvider = ReturnType<typeof defaultProvider>;

/** How to reach AWS: the same settings for every client of a scan. */
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

type ClientConfig = {
  region: string;
  credentials: CredentialsProvider;
  maxAttempts: number;
  retryMode: string;
  profile?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  endpointProvider?: () => { url: URL };
  requestHandler: CallTimeoutSettings;
};

const FACTORIES: { [S in ServiceName]: (config: ClientConfig) => ServiceClients[S] } = {
  sts: (c) => new STSClient(c),
  iam: (c) => new IAMClient(c),
  ec2: (c) => new EC2Client(c),
  s3: (c) => new S3Client(c),
  s3control: (c) => new S3ControlClient(c),
  rds: (c) => new RDSClient(c),
  elbv2: (c) => new ElasticLoadBalancingV2Client(c),
  lambda: (c) => new LambdaClient(c),
  cloudtrail: (c) => new CloudTrailClient(c),
  config: (c) => new ConfigServiceClient(c),
};

/**
 * One SDK client per service and region, created on first use and shared by every
 * collector. Each client carries a read-only guard (a command that is not a read is
 * refused before it is signed), a concurrency limit per service and region (held for the
 * whole command, retries included, so backoff also slows the caller), and call counters.
 */
export class ClientPool {
  private readonly clients = new Map<string, AnyClient>();
  readonly stats: CallStats = { commands: new Map(), requests: 0 };

  constructor(
    private readonly settings: AwsSettings,
    /** Extra instrumentation for each new client (tests add their own middleware here). */
    private readonly instrument?: (client: AnyClient, service: ServiceName, region: string) => void,
  ) {
    // The SDK warns on stderr about its own future Node.js support; that is for the
    // developers of awsaudit, not for the people running it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  }

  get<S extends ServiceName>(service: S, region: string): ServiceClients[S] {
    const key = `${service}\u0000${region}`;
    const existing = this.clients.get(key);
    if (existing) return existing as ServiceClients[S];
    const client = FACTORIES[service](this.configFor(service, region));
    this.addMiddleware(client, pLimit(this.settings.maxConcurrency));
    this.instrument?.(client, service, region);
    this.clients.set(key, client);
    return client;
  }

  private configFor(service: ServiceName, region: string): ClientConfig {
    const { endpoint, profile } = this.settings;
    const config: ClientConfig = {
      region,
      credentials: this.settings.credentials,
      maxAttempts: this.settings.maxAttempts,
      retryMode: this.settings.retryMode,
      // Without timeouts a silent network drop would hang the scan forever.
      requestHandler: callTimeoutSettings(this.settings.callTimeoutMs),
    };
    if (profile !== undefined) config.profile = profile;
    if (endpoint !== undefined) {
      config.endpoint = endpoint;
      // An overridden endpoint (an emulator, a proxy) has no bucket subdomains.
      if (service === 's3') config.forcePathStyle = true;
      // S3 Control's endpoint rules put the account id in front of the host name, which is no
      // valid URL for an IP endpoint; a fixed provider sends every call to the endpoint as given.
      if (service === 's3control') config.endpointProvider = () => ({ url: new URL(endpoint) });
    }
    return config;
  }

  private addMiddleware(client: AnyClient, limit: LimitFunction): void {
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
