const entities: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

/**
 * What Twilio does with a TwiML answer: each <Message> becomes an SMS back to the sender.
 * The local node plays the carrier, so replies land in the outbox next to echoes.
 */
export function twimlMessages(xml: string): string[] {
  return [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) =>
    (m[1] ?? '').replace(/&(amp|lt|gt|quot|apos);/g, (e) => entities[e] ?? e),
  );
}
