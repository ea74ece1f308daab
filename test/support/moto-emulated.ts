// APIs moto does not implement, answered by a small proxy in front of it in AWS's own wire
// shape (the responses AWS documents and sends, recorded by hand from the API reference), so
// that the SDK parses them exactly as it parses AWS's. Every other request is forwarded to moto
// unchanged. startMoto() puts the proxy in front of every moto it starts: tests see one endpoint.
//
// Today: the Account API's GetContactInformation and PutContactInformation (moto 5 has the
// alternate contacts only), and Macie's Get/UpdateAutomatedDiscoveryConfiguration (moto 5 has
// neither), and EC2's Get/EnableSnapshotBlockPublicAccess and Describe/ModifyVpcBlockPublicAccessOptions (query protocol: matched on the form
// body's Action). State is per account, not per region: an account's setting holds in every region. State is kept per access key id, the way the tests reach an
// account (the main account's static key; the compliant account's assumed-role session key),
// and is wiped with moto's own state by POST /moto-api/reset.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { credentialScope, forwardRequest } from './proxy-http.js';

/** What an emulated operation answers: status, headers and body, as AWS would send them. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One emulated operation: the signing service and the HTTP method and path that name it (REST protocols), or the `Action` of the form body (query protocols, EC2's). */
export interface EmulatedOperation {
  service: string;
  method: string;
  path: string;
  action?: string;
  answer(body: Buffer, state: Map<string, unknown>): WireAnswer;
}

/** A restJson1 error as AWS sends it: the code in `x-amzn-errortype`, the text in `message`. */
export function restJsonError(status: number, code: string, message: string): WireAnswer {
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': code }, body: JSON.stringify({ message }) };
}

function restJson(value: unknown): WireAnswer {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

const CONTACT_INFORMATION = 'account:contact-information';
const SNAPSHOT_BPA = 'ec2:snapshot-block-public-access';
const VPC_BPA = 'ec2:vpc-block-public-access';

function ec2Xml(action: string, fields: Record<string, string>): WireAnswer {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>00000000-0000-4000-8000-000000000000</requestId>${inner}</${action}Response>`,
  };
}
const AUTOMATED_DISCOVERY = 'macie2:automated-discovery';

/** The operations moto lacks. */
export const EMULATED_OPERATIONS: readonly EmulatedOperation[] = [
  {
    // https://docs.aws.amazon.com/accounts/latest/reference/API_GetContactInformation.html
    service: 'account',
    method: 'POST',
    path: '/getContactInformation',
    answer: (_body, state) => {
      const info = state.get(CONTACT_INFORMATION);
      return info === undefined
        ? restJsonError(404, 'ResourceNotFoundException', 'No contact information found for this account.')
        : restJson({ ContactInformation: info });
    },
  },
  {
    // https://docs.aws.amazon.com/accounts/latest/reference/API_PutContactInformation.html (seeding only)
    service: 'account',
    method: 'POST',
    path: '/putContactInformation',
    answer: (body, state) => {
      const input = JSON.parse(body.toString('utf8') || '{}') as { ContactInformation?: unknown };
      if (!input.ContactInformation) return restJsonError(400, 'ValidationException', 'ContactInformation is required.');
      state.set(CONTACT_INFORMATION, input.ContactInformation);
      return { status: 200, headers: {}, body: '' };
    },
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetSnapshotBlockPublicAccessState.html:
    // a region never changed answers unblocked.
    service: 'ec2',
    method: 'POST',
    path: '/',
    action: 'GetSnapshotBlockPublicAccessState',
    answer: (_body, state) =>
      ec2Xml('GetSnapshotBlockPublicAccessState', {
        state: (state.get(SNAPSHOT_BPA) as string | undefined) ?? 'unblocked',
        managedBy: 'account',
      }),
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableSnapshotBlockPublicAccess.html (seeding only)
    service: 'ec2',
    method: 'POST',
    path: '/',
    action: 'EnableSnapshotBlockPublicAccess',
    answer: (body, state) => {
      const value = new URLSearchParams(body.toString('utf8')).get('State') ?? '';
      state.set(SNAPSHOT_BPA, value);
      return ec2Xml('EnableSnapshotBlockPublicAccess', { state: value });
    },
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcBlockPublicAccessOptions.html:
    // a region never changed answers off, in default-state.
    service: 'ec2',
    method: 'POST',
    path: '/',
    action: 'DescribeVpcBlockPublicAccessOptions',
    answer: (_body, state) => {
      const mode = (state.get(VPC_BPA) as string | undefined) ?? 'off';
      const status = mode === 'off' ? 'default-state' : 'update-complete';
      return ec2Xml('DescribeVpcBlockPublicAccessOptions', {
        vpcBlockPublicAccessOptions: `<state>${status}</state><internetGatewayBlockMode>${mode}</internetGatewayBlockMode><exclusionsAllowed>allowed</exclusionsAllowed><managedBy>account</managedBy>`,
      });
    },
  },
  {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcBlockPublicAccessOptions.html (seeding only)
    service: 'ec2',
    method: 'POST',
    path: '/',
    action: 'ModifyVpcBlockPublicAccessOptions',
    answer: (body, state) => {
      const mode = new URLSearchParams(body.toString('utf8')).get('InternetGatewayBlockMode') ?? 'off';
      state.set(VPC_BPA, mode);
      return ec2Xml('ModifyVpcBlockPublicAccessOptions', {
        vpcBlockPublicAccessOptions: `<state>update-in-progress</state><internetGatewayBlockMode>${mode}</internetGatewayBlockMode>`,
      });
    },
  },
  {
    // https://docs.aws.amazon.com/macie/latest/APIReference/automated-discovery-configuration.html:
    // an account that never turned it on answers DISABLED.
    service: 'macie2',
    method: 'GET',
    path: '/automated-discovery/configuration',
    answer: (_body, state) => restJson(state.get(AUTOMATED_DISCOVERY) ?? { status: 'DISABLED' }),
  },
  {
    // Same page, PUT (seeding only).
    service: 'macie2',
    method: 'PUT',
    path: '/automated-discovery/configuration',
    answer: (body, state) => {
      const input = JSON.parse(body.toString('utf8') || '{}') as { status?: unknown };
      if (input.status !== 'ENABLED' && input.status !== 'DISABLED')
        return restJsonError(400, 'ValidationException', 'status must be ENABLED or DISABLED.');
      const at = new Date().toISOString();
      state.set(
        AUTOMATED_DISCOVERY,
        input.status === 'ENABLED'
          ? { status: 'ENABLED', firstEnabledAt: at, lastUpdatedAt: at }
          : { status: 'DISABLED', disabledAt: at, lastUpdatedAt: at },
      );
      return restJson({});
    },
  },
];

/** SigV4 credential scope of a request: access key id and signing service. */
function scopeOf(req: IncomingMessage): { key: string; service: string } | undefined {
  const { keyId, service } = credentialScope(req);
  return keyId && service ? { key: keyId, service } : undefined;
}

export interface EmulatingProxy {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the proxy on a free 127.0.0.1 port in front of `upstream` (moto's endpoint). */
export async function startEmulatingProxy(upstream: string, operations = EMULATED_OPERATIONS): Promise<EmulatingProxy> {
  const target = new URL(upstream);
  const states = new Map<string, Map<string, unknown>>();

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => forwardRequest(target, req, res, body);

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/moto-api/reset') states.clear();
      const scope = scopeOf(req);
      const action = req.method === 'POST' ? new URLSearchParams(body.toString('utf8')).get('Action') : null;
      const op =
        scope &&
        operations.find(
          (o) =>
            o.service === scope.service && o.method === req.method && o.path === path && (o.action === undefined || o.action === action),
        );
      if (!op || !scope) return forward(req, res, body);
      let state = states.get(scope.key);
      if (!state) states.set(scope.key, (state = new Map()));
      const answer = op.answer(body, state);
      res.writeHead(answer.status, { ...answer.headers, 'x-amzn-requestid': '00000000-0000-4000-8000-000000000000' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Never keeps the test process alive by itself.
  server.unref();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
