/** Structured logging, as a port (lib/adapters/logger.ts writes it with Powertools). */
export type LogLevel = 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

/** A log line at a level. */
export type Log = (level: LogLevel, event: string, fields: LogFields) => void;

/** A log line at `info`: what most use cases need. */
export type InfoLog = (event: string, fields: LogFields) => void;
