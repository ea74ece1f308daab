// Twins of the Classic Load Balancer rules (FSBP ELB.2, ELB.3, ELB.7, ELB.9, ELB.10, ELB.14) in
// the first region of the main account: a load balancer in one Availability Zone with a plain
// HTTP listener, an HTTPS listener on an IAM server certificate, connection draining and
// cross-zone load balancing off (moto's defaults, as AWS's API defaults) and desync mitigation in
// monitor mode, against one in two zones with only an HTTPS listener on an ACM certificate and
// every attribute set as the rules want.
import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingClient,
  ModifyLoadBalancerAttributesCommand,
  type LoadBalancerAttributes,
} from '@aws-sdk/client-elastic-load-balancing';
import type { MotoClientConfig } from '../moto.js';
import type { BreadthSeeder, Twin } from './index.js';

/**
 * An ACM certificate, requested through ACM's JSON API by hand: no ACM SDK client is installed,
 * and moto (which does not check signatures) refuses a classic listener on an ACM ARN it does not
 * know. The Authorization header only tells moto the service, region and caller.
 */
async function acmCertificate(config: MotoClientConfig, domain: string): Promise<string> {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'CertificateManager.RequestCertificate',
      Authorization: `AWS4-HMAC-SHA256 Credential=${config.credentials.accessKeyId}/20260101/${config.region}/acm/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ DomainName: domain }),
  });
  if (!response.ok) throw new Error(`ACM RequestCertificate: HTTP ${response.status} ${await response.text()}`);
  const { CertificateArn } = (await response.json()) as { CertificateArn?: string };
  if (!CertificateArn) throw new Error('ACM RequestCertificate answered without a CertificateArn');
  return CertificateArn;
}

export const seedElbClassic: BreadthSeeder = async (ctx) => {
  const region = ctx.regions[0]!;
  const config = ctx.main(region);
  const elb = new ElasticLoadBalancingClient(config);
  try {
    const legacy = `cmp-legacy-clb-${ctx.suffix}`;
    const tls = `cmp-tls-clb-${ctx.suffix}`;
    const acm = await acmCertificate(config, `shop-${ctx.suffix}.example.com`);
    await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: legacy,
        AvailabilityZones: [`${region}a`],
        Listeners: [
          { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 },
          {
            Protocol: 'HTTPS',
            LoadBalancerPort: 443,
            InstanceProtocol: 'HTTP',
            InstancePort: 80,
            SSLCertificateId: 'arn:aws:iam::123456789012:server-certificate/cmp-legacy',
          },
        ],
      }),
    );
    await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: tls,
        AvailabilityZones: [`${region}a`, `${region}b`],
        Listeners: [{ Protocol: 'HTTPS', LoadBalancerPort: 443, InstanceProtocol: 'HTTP', InstancePort: 80, SSLCertificateId: acm }],
      }),
    );
    const attributes = (LoadBalancerName: string, LoadBalancerAttributes: LoadBalancerAttributes) =>
      elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerName, LoadBalancerAttributes }));
    await attributes(legacy, { AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'monitor' }] });
    await attributes(tls, {
      CrossZoneLoadBalancing: { Enabled: true },
      ConnectionDraining: { Enabled: true, Timeout: 300 },
      AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'defensive' }],
    });
    const twin = (rule: string): Twin => ({ rule, fail: { id: legacy }, pass: { id: tls } });
    return [
      twin('elb-classic-listener-not-encrypted'),
      twin('elb-classic-certificate-not-acm'),
      twin('elb-classic-single-az'),
      twin('elb-classic-connection-draining-disabled'),
      twin('elb-classic-cross-zone-disabled'),
      twin('elb-classic-desync-mitigation-not-defensive'),
    ];
  } finally {
    elb.destroy();
  }
};
