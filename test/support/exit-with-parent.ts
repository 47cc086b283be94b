/**
 * Imported (`--import`) into every bot process a test starts: when the test process goes away
 * (Vitest ends a worker without running its exit handlers, e.g. after a hook timeout), the IPC
 * channel to it closes and the bot stops itself as on SIGTERM, DynamoDB Local and all.
 */
process.channel?.unref();
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
