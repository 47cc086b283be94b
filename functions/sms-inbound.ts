// Placeholder so the stack synthesizes; the runtime branch (wt-p2-sms-run) replaces this file.
export const handler = async (): Promise<never> => {
  throw new Error('not wired');
};
