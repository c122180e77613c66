/**
 * A broken contract between guest and host: a bad pointer, an unknown handle,
 * invalid UTF-8. Thrown from inside an import, it unwinds the guest; the
 * import wrapper prefixes the import's name so the message reads
 * `types.incoming-response-status: unknown incoming-response handle 42`.
 */
export class Trap extends Error {
  readonly code = 'WASIRUN_TRAP';
  constructor(message: string) {
    super(message);
    this.name = 'Trap';
  }
}

/** Thrown by host code that does not know which import it serves; see {@link Trap}. */
export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

export function violation(message: string): never {
  throw new ContractViolation(message);
}

export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
