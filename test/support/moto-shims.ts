// A reverse proxy in front of moto (on 127.0.0.1) for what moto does not answer the way AWS
// does, so that the end-to-end tests read these services through the real SDK as they read the
// rest. Everything else is forwarded unchanged. Each shim answers in the service's own wire
// shape (what the SDK's deserializer reads), never in a shape of our own:
//
// - IAM Access Analyzer: moto does not implement it (every call answers HTTP 500 with an HTML
//   page). CreateAnalyzer (`PUT /analyzer`) and ListAnalyzers (`GET /analyzer`) are answered
//   here, REST-JSON as AWS sends them, from analyzers kept per account and region; any other
//   Access Analyzer call still goes to moto (and fails as it would there).
// - Amazon Macie: moto writes `createdAt`/`updatedAt` of GetMacieSession without a time zone
//   (`2026-12-06T07:24:45.123456`), which the SDK refuses as a date-time (a deserialization
//   error). AWS writes RFC 3339 with `Z`; the shim adds the `Z` to such values in Macie's JSON.
//
// A test that needs moto exactly as it is (to show that a scan records what it cannot read as a
// gap) uses `MotoServer.plainEndpoint`.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { credentialScope } from './proxy-http.js';

export interface MotoShims {
  endpoint: string;
  stop(): Promise<void>;
}

interface Analyzer {
  arn: string;
  name: string;
  type: string;
  createdAt: string;
  status: 'ACTIVE';
  tags: Record<string, string>;
}

function json(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': 'moto-shims',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

const NAIVE_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/;

/** The same JSON with every time-zone-less ISO timestamp marked as UTC. */
function withUtcTimestamps(value: unknown): unknown {
  if (typeof value === 'string') return NAIVE_TIMESTAMP.test(value) ? `${value}Z` : value;
  if (Array.isArray(value)) return value.map(withUtcTimestamps);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUtcTimestamps(v)]));
  return value;
}

/** Start the shims in front of `target` (moto's endpoint) on a free 127.0.0.1 port. */
export async function startMotoShims(target: string): Promise<MotoShims> {
  const upstream = new URL(target);
  const analyzers = new Map<string, Analyzer[]>();
  const accounts = new Map<string, string>();

  const send = (req: IncomingMessage, body: Buffer, override?: { method: string; path: string; headers: Record<string, string> }) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: override?.method ?? req.method,
          path: override?.path ?? req.url,
          headers: override?.headers ?? req.headers,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
          answer.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  /** The account of the caller's access key, as moto knows it (moto does not check signatures). */
  const accountOf = async (req: IncomingMessage, keyId: string): Promise<string> => {
    const known = accounts.get(keyId);
    if (known) return known;
    const form = 'Action=GetCallerIdentity&Version=2011-06-15';
    const answer = await send(req, Buffer.from(form), {
      method: 'POST',
      path: '/',
      headers: {
        authorization: (req.headers.authorization ?? '').replace(/\/access-analyzer\/aws4_request/, '/sts/aws4_request'),
        'content-type': 'application/x-www-form-urlencoded',
        'x-amz-date': String(req.headers['x-amz-date'] ?? ''),
        ...(req.headers['x-amz-security-token'] ? { 'x-amz-security-token': String(req.headers['x-amz-security-token']) } : {}),
      },
    });
    const account = /<Account>(\d{12})<\/Account>/.exec(answer.body.toString('utf8'))?.[1];
    if (!account) throw new Error(`moto-shims: GetCallerIdentity gave no account (HTTP ${answer.status})`);
    accounts.set(keyId, account);
    return account;
  };

  /** Access Analyzer's CreateAnalyzer and ListAnalyzers; undefined for any other call. */
  const accessAnalyzer = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://shim');
    if (url.pathname !== '/analyzer' || (req.method !== 'GET' && req.method !== 'PUT')) return false;
    const { keyId, region } = credentialScope(req);
    const account = await accountOf(req, keyId!);
    const key = `${account}/${region}`;
    const list = analyzers.get(key) ?? [];
    if (req.method === 'PUT') {
      const input = JSON.parse(body.toString('utf8') || '{}') as { analyzerName?: string; type?: string; tags?: Record<string, string> };
      if (!input.analyzerName || !input.type) {
        json(res, 400, { message: 'analyzerName and type are required' }, 'ValidationException');
        return true;
      }
      if (list.some((a) => a.name === input.analyzerName)) {
        json(res, 409, { message: `Analyzer ${input.analyzerName} already exists` }, 'ConflictException');
        return true;
      }
      const analyzer: Analyzer = {
        arn: `arn:aws:access-analyzer:${region}:${account}:analyzer/${input.analyzerName}`,
        name: input.analyzerName,
        type: input.type,
        createdAt: new Date().toISOString(),
        status: 'ACTIVE',
        tags: input.tags ?? {},
      };
      analyzers.set(key, [...list, analyzer]);
      json(res, 200, { arn: analyzer.arn });
      return true;
    }
    const type = url.searchParams.get('type');
    const matching = list.filter((a) => type === null || a.type === type);
    const start = Number(url.searchParams.get('nextToken') ?? '0');
    const size = Number(url.searchParams.get('maxResults') ?? '100');
    const page = matching.slice(start, start + size);
    const next = start + size < matching.length ? String(start + size) : undefined;
    json(res, 200, { analyzers: page, ...(next ? { nextToken: next } : {}) });
    return true;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const { service } = credentialScope(req);
      void (async () => {
        if (service === 'access-analyzer' && (await accessAnalyzer(req, res, body))) return;
        const answer = await send(req, body);
        let out = answer.body;
        // moto labels some JSON answers text/html: look at the body, not the header.
        if (service === 'macie2' && out[0] === 0x7b) out = Buffer.from(JSON.stringify(withUtcTimestamps(JSON.parse(out.toString('utf8')))));
        const headers = { ...answer.headers, 'content-length': String(out.length) };
        delete headers['transfer-encoding'];
        res.writeHead(answer.status, headers).end(out);
      })().catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502).end(String(error));
        else res.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('moto-shims: no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
