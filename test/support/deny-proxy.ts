// A reverse proxy in front of moto that answers AccessDenied for chosen services, in each
// AWS protocol's own wire shape (so the SDK raises the error a real account would), and
// forwards every other request unchanged. The service is read from the SigV4 credential
// scope of the Authorization header (".../us-east-1/s3/aws4_request").
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface DenyProxy {
  endpoint: string;
  /** Requests answered with AccessDenied, by signing service name (and for EC2 also by "ec2:Action"). */
  denied: Map<string, number>;
  stop(): Promise<void>;
}

function signingService(req: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
}

function denial(service: string, req: IncomingMessage): { status: number; headers: Record<string, string>; body: string } {
  const message = `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform this ${service} action`;
  const xml = { 'content-type': 'text/xml' };
  if (req.headers['x-amz-target'] !== undefined) {
    // awsJson 1.0/1.1: CloudTrail, Config
    return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' }, body: JSON.stringify({ __type: 'AccessDeniedException', message }) };
  }
  if (service === 'lambda') {
    // restJson1
    return { status: 403, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' }, body: JSON.stringify({ message }) };
  }
  if (service === 's3') {
    return { status: 403, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>denied</RequestId></Error>' };
  }
  if (service === 'ec2') {
    return { status: 403, headers: xml, body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>${message}</Message></Error></Errors><RequestID>denied</RequestID></Response>` };
  }
  // awsQuery: IAM, STS, RDS, ELBv2
  return { status: 403, headers: xml, body: `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>denied</RequestId></ErrorResponse>` };
}

/** The API action of a request: `Action=` of a query-protocol body (EC2, IAM, ...) or the X-Amz-Target operation. */
function actionOf(req: IncomingMessage, body: Buffer): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
}

/**
 * Start a proxy to `target` on a free 127.0.0.1 port. `deny(service, action)` decides, per
 * request, whether to answer AccessDenied (S3 Control signs as "s3", so denying "s3" denies
 * both; `action` is known for query and JSON protocols, e.g. "DescribeInstanceAttribute").
 */
export async function startDenyProxy(target: string, deny: (service: string, action: string | undefined) => boolean): Promise<DenyProxy> {
  const upstream = new URL(target);
  const denied = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const service = signingService(req);
      const action = actionOf(req, body);
      if (service !== undefined && deny(service, action)) {
        const key = action && service === 'ec2' ? `${service}:${action}` : service;
        denied.set(service, (denied.get(service) ?? 0) + 1);
        if (key !== service) denied.set(key, (denied.get(key) ?? 0) + 1);
        const d = denial(service, req);
        res.writeHead(d.status, d.headers).end(d.body);
        return;
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => res.writeHead(502).end(String(error)));
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('deny proxy: no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    denied,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
