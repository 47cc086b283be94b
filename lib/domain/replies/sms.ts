/** What the bot tells people and operators about SMS delivery. */
export const SMS_REPLIES = {
  /** Sent on another channel when the member's SMS number keeps failing for good. */
  unreachable: (fails: number) =>
    `Your last ${fails} text messages from this bot could not be delivered, so it has stopped sending SMS to that number. Text the bot from it to start again.`,
} as const;

/** What the operator gets when the SMS provider refuses a send for the bot's own set-up. */
export const SMS_SETUP_ALERT = {
  subject: (code: string) => `echobot: SMS provider refused a send (${code})`,
  message: (provider: string, code: string, reason: string, baseUrl: string) =>
    `${baseUrl}: ${provider} refused an SMS with ${code} (${reason}). SMS are being retried, not dropped; fix the credentials, permissions, sandbox or spend limit, and they go out on the next retry.`,
} as const;
