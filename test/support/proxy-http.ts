// Pieces the test-side HTTP proxies in front of moto share (fault-proxy.ts, moto-shims.ts,
// moto-emulated.ts): reading a request's SigV4 credential scope, and forwarding a request upstream.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/** The SigV4 credential scope of a request (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`). */
export function credentialScope(req: IncomingMessage): { keyId?: string; region?: string; service?: string } {
  const m = /Credential=([^/]+)\/[^/]+\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '');
  return m ? { keyId: m[1]!, region: m[2]!, service: m[3]! } : {};
}

/**
 * Sends a request (its body already read) to `upstream` and pipes the answer back, or hands the
 * answer to `onAnswer`. A failed connection answers 502.
 */
export function forwardRequest(
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  onAnswer?: (answer: IncomingMessage) => void,
): void {
  const out = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      if (onAnswer) return onAnswer(answer);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502).end(String(error));
    else res.destroy();
  });
  out.end(body);
}
