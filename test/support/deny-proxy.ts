// A reverse proxy in front of moto that answers AccessDenied for chosen services, in each
// AWS protocol's own wire shape (so the SDK raises the error a real account would), and
// forwards every other request unchanged: the fault proxy with one `deny` rule.
import { startFaultProxy } from './fault-proxy.js';

export interface DenyProxy {
  endpoint: string;
  /** Requests answered with AccessDenied, by signing service name (and for EC2 also by "ec2:Action"). */
  denied: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * Start a proxy to `target` on a free 127.0.0.1 port. `deny(service, action)` decides, per
 * request, whether to answer AccessDenied (S3 Control signs as "s3", so denying "s3" denies
 * both; `action` is known for query and JSON protocols, e.g. "DescribeInstanceAttribute").
 */
export async function startDenyProxy(target: string, deny: (service: string, action: string | undefined) => boolean): Promise<DenyProxy> {
  const denied = new Map<string, number>();
  const proxy = await startFaultProxy(target, {
    rules: [{ fault: 'deny', when: (r) => r.service !== undefined && deny(r.service, r.action) }],
    onFault: (_kind, r) => {
      const service = r.service!;
      denied.set(service, (denied.get(service) ?? 0) + 1);
      if (service === 'ec2' && r.action) denied.set(`ec2:${r.action}`, (denied.get(`ec2:${r.action}`) ?? 0) + 1);
    },
  });
  return { endpoint: proxy.endpoint, denied, stop: () => proxy.stop() };
}
