import { readFileSync } from 'node:fs';
import type tls from 'node:tls';
import { lazyBuiltin } from '../../util/lazy-builtin.js';

/**
 * Where operating systems keep their trust store, as Go's crypto/x509 looks
 * for it; `SSL_CERT_FILE` (OpenSSL's variable) comes first.
 */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/ssl/cert.pem',
];

const nodeTls = lazyBuiltin('node:tls');
let context: tls.SecureContext | undefined;

const certificatesIn = (path: string | undefined): string[] | undefined => {
  if (!path) return undefined;
  try {
    return (
      readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
    );
  } catch {
    return undefined;
  }
};

/** The first system bundle there is, and `NODE_EXTRA_CA_CERTS` (a context that adds certificates no longer reads it). */
function certificates(): string[] {
  const extra = certificatesIn(process.env.NODE_EXTRA_CA_CERTS) ?? [];
  for (const path of [process.env.SSL_CERT_FILE, ...SYSTEM_BUNDLES]) {
    const system = certificatesIn(path);
    if (system) return [...system, ...extra];
  }
  return extra;
}

/**
 * The TLS context of guests' requests: Node's own roots, the system's trust
 * store (which Node 20 does not read by itself) and `NODE_EXTRA_CA_CERTS`.
 * Built once, on the first HTTPS request.
 */
export function trustedContext(): tls.SecureContext {
  if (!context) {
    context = nodeTls().createSecureContext();
    const store = context.context as { addCACert(pem: string): void };
    for (const cert of certificates()) {
      try {
        store.addCACert(cert);
      } catch {
        // A certificate OpenSSL cannot parse is skipped, as OpenSSL itself would.
      }
    }
  }
  return context;
}
