// A counting HTTP proxy in front of moto_server, so that two tools (awsaudit, written in
// TypeScript on the AWS SDK for JavaScript, and a peer written in Python on boto3) are measured
// by the same yardstick: HTTP requests that reached the account, retries included.
import http from 'node:http';

/** Starts a proxy on 127.0.0.1 forwarding every request to `target`; `count()` reads and `reset()` zeroes the tally. */
export async function startCountingProxy(target) {
  const upstream = new URL(target);
  let requests = 0;
  const byService = new Map();
  const server = http.createServer((req, res) => {
    requests++;
    const service = serviceOf(req);
    byService.set(service, (byService.get(service) ?? 0) + 1);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => requests,
    services: () => new Map(byService),
    reset: () => {
      requests = 0;
      byService.clear();
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A label for the request: the service named in its signature's credential scope (…/region/service/aws4_request). */
function serviceOf(req) {
  const auth = req.headers.authorization;
  const scope = typeof auth === 'string' ? /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(auth) : null;
  return scope?.[1] ?? 'unsigned';
}
