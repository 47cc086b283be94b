/** How an echo reads on a phone: `alice: hello`. */
export function formatEcho(authorNick: string, text: string): string {
  return `${authorNick}: ${text}`;
}
