/** Longest post, in characters (code points), as on the original Twitter-by-SMS plus room. */
export const MAX_POST_CHARS = 280;

/** Characters as a person counts them: code points, so an emoji is one. */
export function charCount(text: string): number {
  return [...text].length;
}

/**
 * Control characters are stripped (they garble SMS and terminals); newlines and tabs become
 * spaces, runs of spaces collapse. What is left is what the bot stores and echoes.
 */
export function cleanText(raw: string): string {
  return (
    raw
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '')
      .replace(/[\t\r\n]+/g, ' ')
      .replace(/ {2,}/g, ' ')
      .trim()
  );
}
