/** The time, as a port: use cases take it from their deps so tests and benches can move it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
