/**
 * Powertools' SSM provider and the SSM client under it (~85 KB minified), imported on the first
 * read: a bundle splits it into its own chunk, so a function whose secrets are never read does not
 * load it at cold start.
 */
const ssm = () => import('@aws-lambda-powertools/parameters/ssm');

function notFound(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  return cause instanceof Error && cause.name === 'ParameterNotFound';
}

/**
 * A SecureString read through Powertools (cached five minutes, so a rotation lands without a
 * redeploy). A parameter that does not exist means "this channel is not set up": undefined.
 */
export function optionalSecret(name: string | undefined): () => Promise<string | undefined> {
  return async () => {
    if (!name) return undefined;
    try {
      const { getParameter } = await ssm();
      return (await getParameter(name, { decrypt: true, maxAge: 300 })) || undefined;
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  };
}

/** Like optionalSecret, but a missing value is an error (the send is retried until it is set). */
export function requiredSecret(name: string | undefined, what: string): () => Promise<string> {
  const read = optionalSecret(name);
  return async () => {
    const value = await read();
    if (!value) throw new Error(`${what} is not configured (SSM parameter ${name ?? '(unset)'})`);
    return value;
  };
}
