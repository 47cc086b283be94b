import { describe, expect, it } from 'vitest';
import { REPLIES } from '../../../lib/domain/replies/core.ts';

/** What US carriers (CTIA messaging principles) require the HELP and STOP answers to say. */
describe('HELP and STOP answers carriers require', () => {
  it('HELP names the program and what it does, frequency, rates, and how to opt out', () => {
    const help = REPLIES.help();
    expect(help).toMatch(/^echobot: /);
    expect(help).toContain('your texts are echoed');
    expect(help).toContain('Msg frequency varies');
    expect(help).toContain('Msg&data rates may apply');
    expect(help).toContain('Reply STOP to opt out');
  });

  it('STOP confirms, names the program, promises silence and says how to come back', () => {
    const stopped = REPLIES.stopped();
    expect(stopped).toContain('unsubscribed from echobot');
    expect(stopped).toContain('no more messages');
    expect(stopped).toContain('START');
  });
});
