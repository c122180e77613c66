import { closeNodeAgents } from './node-transport.js';
import { closeUndiciAgents } from './undici-transport.js';

/** Closes every pooled outbound connection: for a host that is shutting down. */
export async function closeOutboundPools(): Promise<void> {
  closeNodeAgents();
  await closeUndiciAgents();
}
