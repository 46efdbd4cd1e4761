import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { MedflowError, type HttpRequest, type HttpResponse, type HttpService } from '@medflow/sdk';

/** Link-local (cloud metadata at 169.254.169.254): never reachable, not even as an allowed IP literal. */
const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');

/** Also never reached through a host name: this machine, unspecified, shared and multicast addresses. */
const THROUGH_NAME = new BlockList();
THROUGH_NAME.addSubnet('127.0.0.0', 8, 'ipv4');
THROUGH_NAME.addSubnet('0.0.0.0', 8, 'ipv4');
THROUGH_NAME.addSubnet('224.0.0.0', 4, 'ipv4');
THROUGH_NAME.addSubnet('100.64.0.0', 10, 'ipv4');
THROUGH_NAME.addAddress('::1', 'ipv6');
THROUGH_NAME.addAddress('::', 'ipv6');
THROUGH_NAME.addSubnet('ff00::', 8, 'ipv6');

const refuse = (message: string, details: Record<string, unknown>) => new MedflowError({ code: 'EGRESS_REFUSED', category: 'USER', retryable: false, message, details });

/** BlockList matches IPv4-mapped IPv6 addresses (`::ffff:a9fe:a9fe`) against IPv4 rules itself. */
const listed = (list: BlockList, address: string) => list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
const blockedThroughName = (address: string) => listed(LINK_LOCAL, address) || listed(THROUGH_NAME, address);

/**
 * The HTTP service for nodes. A URL's host must be on the administrator's allow-list; a name is
 * resolved once, every address checked, and the connection made to the checked address (so a DNS
 * answer that changes between check and connect cannot redirect it). Loopback and link-local targets
 * are refused unless the allow-list names that very IP literal.
 */
export function createHttpService(allowedHosts: string[]): HttpService {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      let url: URL;
      try { url = new URL(req.url); } catch { throw refuse(`"${req.url}" is not a URL`, { url: req.url }); }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`only http and https are allowed, not ${url.protocol}`, { url: req.url });
      if (url.username || url.password) throw refuse('credentials in URLs are not allowed; use a header', {});
      const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      if (!allowed.has(url.host.toLowerCase()) && !allowed.has(hostname)) {
        throw refuse(`host ${url.host} is not on the allow-list (MEDFLOW_HTTP_ALLOWED_HOSTS) / 許可されていない送信先です`, { host: url.host, allowed: [...allowed] });
      }
      const literal = isIP(hostname) !== 0;
      const addresses = literal ? [hostname] : (await lookup(hostname, { all: true, verbatim: true }).catch(() => [])).map((a) => a.address);
      if (!addresses.length) throw refuse(`cannot resolve ${hostname}`, { host: hostname });
      if (!literal && addresses.some(blockedThroughName)) throw refuse(`${hostname} resolves to a loopback, link-local or reserved address; refused`, { host: hostname, addresses });
      if (literal && listed(LINK_LOCAL, hostname)) throw refuse('link-local addresses (cloud metadata) are never reachable', { host: hostname });
      const address = addresses[0]!;
      const maxBytes = req.maxResponseBytes ?? 1024 * 1024;
      const headers: Record<string, string> = { ...(req.headers ?? {}), host: url.host, 'user-agent': 'MedFlow' };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));

      return new Promise<HttpResponse>((resolve, reject) => {
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const outgoing = send({ host: address, port, path: `${url.pathname}${url.search}`, method: req.method, headers, servername: literal ? undefined : hostname, timeout: req.timeoutMs ?? 30_000, signal: req.signal }, (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) { outgoing.destroy(); reject(refuse(`response larger than ${maxBytes} bytes`, { maxBytes })); return; }
            chunks.push(chunk);
          });
          res.on('end', () => resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')])),
            body: Buffer.concat(chunks).toString('utf8'),
          }));
          res.on('error', reject);
        });
        outgoing.on('timeout', () => outgoing.destroy(new MedflowError({ code: 'HTTP_TIMEOUT', category: 'THIRD_PARTY', message: `no answer from ${url.host} in time`, details: { host: url.host } })));
        outgoing.on('error', (error) => reject(error instanceof MedflowError ? error : new MedflowError({ code: 'HTTP_FAILED', category: 'THIRD_PARTY', message: `request to ${url.host} failed: ${error.message}`, details: { host: url.host } })));
        if (req.body !== undefined) outgoing.write(req.body);
        outgoing.end();
      });
    },
  };
}
