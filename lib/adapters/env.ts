/** Reads a required environment variable, failing the cold start with a clear message. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

/** Reads an optional non-negative integer environment variable; a malformed value fails the cold start. */
export function optionalIntEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`environment variable ${name} must be a whole number`);
  return n;
}
