/**
 * A port that cannot be listened on is a configuration problem, said in one line that names the
 * variable to change (not Node's EADDRINUSE stack).
 */

/** The one-line reason, or undefined when `err` is not a listen refusal this can explain. */
export function listenFailure(
  err: unknown,
  variable: string,
  port: number | string,
): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return `${variable}: port ${port} is already in use by another process; stop it or set ${variable} to a free port (0 picks one)`;
  if (code === 'EACCES')
    return `${variable}: port ${port} needs privileges this process lacks; use a port above 1023`;
  if (code === 'EADDRNOTAVAIL')
    return `${variable}: port ${port} cannot be bound on this interface (HOST); check HOST`;
  return undefined;
}
