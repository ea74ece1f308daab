import type { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { CallTimeoutSettings } from './timeouts.js';

/** A credentials provider, as the SDK's default chain returns it. */
export type CredentialsProvider = ReturnType<typeof defaultProvider>;

/** The configuration every SDK client of awsaudit is built with (see `clientConfig` in pool.ts). */
export interface ClientConfig {
  region: string;
  credentials: CredentialsProvider;
  maxAttempts: number;
  retryMode: string;
  profile?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  followRegionRedirects?: boolean;
  endpointProvider?: () => { url: URL };
  requestHandler: CallTimeoutSettings;
}

/** What the pool needs of an SDK v3 client: its middleware stack (for the guards) and `destroy`. */
export interface AwsClient {
  readonly middlewareStack: object;
  destroy(): void;
}

/** SDK clients by the short name that gaps and progress show (`{ ec2: EC2Client }`). */
export type ClientTable = { readonly [name: string]: AwsClient };

/**
 * How to make one kind of SDK client. `load` imports the `@aws-sdk/client-*` package with a
 * dynamic import(), so a command that calls no AWS service never loads it (the ten packages
 * cost most of the start-up time), and a scan loads only the clients its rules need.
 */
export interface ClientFactory<C extends AwsClient = AwsClient> {
  /** The npm package `load` imports (a dependency in package.json; tests check both agree). */
  readonly package: string;
  load(): Promise<new (config: ClientConfig) => C>;
  /** Settings this client needs when every call goes to one endpoint given by the user (an emulator, a proxy). */
  endpointConfig?(endpoint: string): Partial<ClientConfig>;
}

/**
 * A client factory from a lazy import of its SDK package (see ClientFactory). The import is
 * written out in `load` (an import() of a literal keeps the package's types) and named again in
 * `pkg` as data.
 */
export function sdkClient<C extends AwsClient>(
  pkg: string,
  load: () => Promise<new (config: ClientConfig) => C>,
  endpointConfig?: (endpoint: string) => Partial<ClientConfig>,
): ClientFactory<C> {
  return endpointConfig ? { package: pkg, load, endpointConfig } : { package: pkg, load };
}
