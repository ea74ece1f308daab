// A reverse proxy in front of moto (on 127.0.0.1) that injects the faults of a bad day on AWS:
// throttling and server errors in each protocol's own wire shape (so the SDK raises and retries
// what it would against AWS), connections cut in the middle of a response, delays, requests
// never answered, malformed bodies and AccessDenied. Everything else is forwarded unchanged.
//
// Faults are chosen per request by rules (service, action, a predicate) with a probability.
// The draw is a hash of the seed, the request (service, region, method, URL, body) and how many
// times that same request was seen, not a shared random stream: concurrent requests arrive in a
// different order on every run, but each request (and each retry of it) meets the same fate.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { credentialScope, forwardRequest } from './proxy-http.js';

export type FaultKind = 'throttle' | 'http500' | 'http503' | 'cut' | 'delay' | 'hang' | 'malformed' | 'deny';

export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'http500', 'http503', 'cut', 'delay', 'hang', 'malformed', 'deny'];

/** What a rule can look at. */
export interface FaultRequest {
  /** SigV4 signing service ("s3" for S3 Control too), from the Authorization header. */
  service: string | undefined;
  region: string | undefined;
  /**
   * The API action when the request names it: `Action=` of a query-protocol body (EC2, IAM, STS,
   * RDS, ELBv2), the X-Amz-Target operation (CloudTrail, Config), S3's `x-id` query parameter.
   */
  action: string | undefined;
  method: string;
  /** Path and query string. */
  url: string;
  body: Buffer;
}

export interface FaultRule {
  /** Signing services the rule applies to (default: every service). */
  service?: string | readonly string[];
  /** Actions the rule applies to (default: every action). */
  action?: string | readonly string[];
  /** Any further condition. */
  when?: (request: FaultRequest) => boolean;
  fault: FaultKind;
  /** Chance that a matching request gets the fault (default 1). */
  probability?: number;
  /**
   * At most this many faults in a row for the same request (its retries included), so that a
   * client with more attempts than that is sure to get through. Default: no limit.
   */
  maxInARow?: number;
  /** At most this many faults from this rule in all. Default: no limit. */
  limit?: number;
  /** `delay`: how long to wait before forwarding (default 200 ms). */
  delayMs?: number;
  /**
   * `cut`: bytes of the upstream response body passed on before the connection is closed.
   * Default: half the body (the headers, with the full Content-Length, always go out first).
   */
  cutAfterBytes?: number;
  /** `malformed`: `garbage` (not the protocol's format at all) or `truncated` (the real body cut in half, with a matching Content-Length). Default garbage. */
  malformed?: 'garbage' | 'truncated';
}

export interface FaultProxyOptions {
  rules: readonly FaultRule[];
  /** Seed of the fault draws (default 1). */
  seed?: number | string;
  /** Called for every fault injected (the deny proxy counts denials by service with it). */
  onFault?: (kind: FaultKind, request: FaultRequest) => void;
}

export interface FaultCounts {
  /** Requests received. */
  seen: number;
  /** Requests forwarded to moto and answered as moto answered (delayed ones included). */
  forwarded: number;
  /** Faults injected, by kind. */
  faults: Record<FaultKind, number>;
  /** Requests received and faults injected, by signing service. */
  byService: Record<string, { seen: number; faults: number }>;
}

export interface FaultProxy {
  endpoint: string;
  readonly counts: FaultCounts;
  /** Total faults injected (every kind except `delay`, which still answers correctly). */
  failures(): number;
  /** Requests accepted and never answered that are still open. */
  readonly hanging: number;
  stop(): Promise<void>;
}

function emptyCounts(): FaultCounts {
  return { seen: 0, forwarded: 0, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>, byService: {} };
}

function actionOf(req: IncomingMessage, body: Buffer): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  const url = new URL(req.url ?? '/', 'http://proxy');
  const xId = url.searchParams.get('x-id');
  if (xId) return xId;
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded'))
    return new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
  return undefined;
}

type Protocol = 'json' | 'rest-json' | 's3' | 'ec2' | 'query';

function protocolOf(service: string | undefined, req: IncomingMessage): Protocol {
  if (req.headers['x-amz-target'] !== undefined) return 'json'; // awsJson 1.0/1.1: CloudTrail, Config
  if (service === 's3') return 's3'; // S3 and S3 Control (restXml)
  if (service === 'ec2') return 'ec2';
  // awsQuery (IAM, STS, RDS, ELBv2) always posts a form; anything else is restJson1 (Lambda, Account).
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return 'query';
  return 'rest-json';
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An error answer as the service's protocol writes it. */
function errorAnswer(protocol: Protocol, status: number, code: string, message: string): Answer {
  const xml = { 'content-type': 'text/xml' };
  switch (protocol) {
    case 'json':
      return {
        status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code },
        body: JSON.stringify({ __type: code, message }),
      };
    case 'rest-json':
      return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': code }, body: JSON.stringify({ message }) };
    case 's3':
      return {
        status,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`,
      };
    case 'ec2':
      return {
        status,
        headers: xml,
        body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>`,
      };
    case 'query':
      return {
        status,
        headers: xml,
        body: `<ErrorResponse><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
      };
  }
}

/** Throttling as each service sends it. */
function throttle(protocol: Protocol): Answer {
  switch (protocol) {
    case 'json':
      return errorAnswer(protocol, 400, 'ThrottlingException', 'Rate exceeded');
    case 'rest-json':
      return errorAnswer(protocol, 429, 'TooManyRequestsException', 'Rate exceeded');
    case 's3':
      return errorAnswer(protocol, 503, 'SlowDown', 'Please reduce your request rate.');
    case 'ec2':
      // EC2 answers its request limit with HTTP 503 and this code.
      return errorAnswer(protocol, 503, 'RequestLimitExceeded', 'Request limit exceeded.');
    case 'query':
      return errorAnswer(protocol, 400, 'Throttling', 'Rate exceeded');
  }
}

function denial(protocol: Protocol, service: string): Answer {
  const message = `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform this ${service} action`;
  switch (protocol) {
    case 'json':
    case 'rest-json':
      return errorAnswer(protocol, protocol === 'json' ? 400 : 403, 'AccessDeniedException', message);
    case 's3':
      return errorAnswer(protocol, 403, 'AccessDenied', 'Access Denied');
    case 'ec2':
      return errorAnswer(protocol, 403, 'UnauthorizedOperation', message);
    case 'query':
      return errorAnswer(protocol, 403, 'AccessDenied', message);
  }
}

function garbage(protocol: Protocol): Buffer {
  // Starts like the real thing and then is not the format at all.
  return Buffer.from(
    protocol === 'json' || protocol === 'rest-json'
      ? '{"Items": [{"Name": "x", ' + '\u0000garbage'
      : '<?xml version="1.0" encoding="UTF-8"?>\n<Response><<garbage & />',
  );
}

const matches = (value: string | undefined, wanted: string | readonly string[] | undefined) =>
  wanted === undefined || (value !== undefined && (typeof wanted === 'string' ? value === wanted : wanted.includes(value)));

/** A number in [0, 1) from the seed, the rule, the request and its occurrence. */
function draw(seed: string, rule: number, key: string, occurrence: number): number {
  const digest = createHash('sha256').update(`${seed}\u0000${rule}\u0000${occurrence}\u0000${key}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Start a proxy to `target` (e.g. moto's endpoint) on a free 127.0.0.1 port. */
export async function startFaultProxy(target: string, options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seed = String(options.seed ?? 1);
  const counts = emptyCounts();
  const occurrences = new Map<string, number>();
  const streaks = new Map<string, number>();
  const fired = new Map<number, number>();
  const hanging = new Set<ServerResponse>();

  /** The first rule whose draw says this request gets its fault. */
  const choose = (r: FaultRequest, key: string): FaultRule | undefined => {
    const occurrence = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, occurrence);
    for (const [i, rule] of options.rules.entries()) {
      if (!matches(r.service, rule.service) || !matches(r.action, rule.action) || (rule.when && !rule.when(r))) continue;
      if (rule.limit !== undefined && (fired.get(i) ?? 0) >= rule.limit) continue;
      const streakKey = `${i}\u0000${key}`;
      const streak = streaks.get(streakKey) ?? 0;
      const hit = (rule.maxInARow === undefined || streak < rule.maxInARow) && draw(seed, i, key, occurrence) < (rule.probability ?? 1);
      streaks.set(streakKey, hit ? streak + 1 : 0);
      if (hit) {
        fired.set(i, (fired.get(i) ?? 0) + 1);
        return rule;
      }
    }
    return undefined;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, shape?: (answer: IncomingMessage) => void) =>
    forwardRequest(upstream, req, res, body, (answer) => {
      if (shape) return shape(answer);
      counts.forwarded++;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const { service, region } = credentialScope(req);
      const r: FaultRequest = { service, region, action: actionOf(req, body), method: req.method ?? 'GET', url: req.url ?? '/', body };
      counts.seen++;
      const mine = (counts.byService[service ?? '(unsigned)'] ??= { seen: 0, faults: 0 });
      mine.seen++;
      const key = [service, region, r.method, r.url, createHash('sha256').update(body).digest('hex')].join(' ');
      const rule = service === undefined ? undefined : choose(r, key);
      if (!rule) return forward(req, res, body);
      counts.faults[rule.fault]++;
      if (rule.fault !== 'delay') mine.faults++;
      options.onFault?.(rule.fault, r);
      const protocol = protocolOf(service, req);
      const send = (a: Answer) => res.writeHead(a.status, a.headers).end(a.body);
      switch (rule.fault) {
        case 'throttle':
          return send(throttle(protocol));
        case 'http500':
          return send(
            errorAnswer(
              protocol,
              500,
              protocol === 'json' || protocol === 'rest-json' ? 'InternalFailure' : 'InternalError',
              'We encountered an internal error. Please try again.',
            ),
          );
        case 'http503':
          return send(errorAnswer(protocol, 503, 'ServiceUnavailable', 'Service is unavailable. Please try again.'));
        case 'deny':
          return send(denial(protocol, service!));
        case 'delay': {
          const timer = setTimeout(() => forward(req, res, body), rule.delayMs ?? 200);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        case 'hang':
          // Read the request, then say nothing, ever; stop() closes the socket.
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        case 'cut':
          return forward(req, res, body, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            const length = Number(answer.headers['content-length'] ?? NaN);
            let budget = rule.cutAfterBytes ?? (Number.isFinite(length) ? Math.floor(length / 2) : 0);
            // Drop the connection once what was written has left, without finishing the response.
            const cut = () => {
              answer.destroy();
              res.socket?.destroy();
            };
            if (budget <= 0) {
              res.write(Buffer.alloc(0), cut);
              return;
            }
            answer.on('data', (chunk: Buffer) => {
              if (budget <= 0) return;
              const part = chunk.subarray(0, budget);
              budget -= part.length;
              if (budget > 0) res.write(part);
              else res.write(part, cut);
            });
            answer.on('end', () => res.end());
          });
        case 'malformed':
          return forward(req, res, body, (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (c: Buffer) => parts.push(c));
            answer.on('end', () => {
              const real = Buffer.concat(parts);
              const bad = rule.malformed === 'truncated' ? real.subarray(0, real.length >> 1) : garbage(protocol);
              const headers = { ...answer.headers, 'content-length': String(bad.length) };
              delete headers['transfer-encoding'];
              res.writeHead(answer.statusCode ?? 200, headers).end(bad);
            });
          });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy: no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    counts,
    failures: () => FAULT_KINDS.filter((k) => k !== 'delay').reduce((n, k) => n + counts.faults[k], 0),
    get hanging() {
      return hanging.size;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
