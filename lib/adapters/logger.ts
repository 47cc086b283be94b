import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools), one logger per function; level from LOG_LEVEL. */
export function createLogger(serviceName: string) {
  const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
  const log = (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) =>
    logger[level]({ message: event, ...fields });
  return {
    logger,
    log,
    info: (event: string, fields: Record<string, unknown>) => log('info', event, fields),
  };
}
