/** What the bot answers to EMAIL and LINK, and what the confirmation mail says. */
export const CHANNEL_REPLIES = {
  codeSent: (email: string) =>
    `We mailed a 6-digit code to ${email}. Text EMAIL CONFIRM <code> within an hour to get echoes there.`,
  codeMail: (code: string) =>
    `Your echobot code is ${code}. Text EMAIL CONFIRM ${code} to the bot within an hour. If you did not ask for it, ignore this mail.`,
  tooManyCodes: () => 'You asked for 3 codes in the last hour. Please wait, then try again.',
  alreadyEmail: (email: string) => `You already get echoes at ${email}. Text EMAIL OFF first to change it.`,
  emailTaken: () => 'That address already belongs to another member.',
  noCode: () => 'There is no code waiting, or it expired. Text EMAIL you@example.com for a new one.',
  wrongCode: (left: number) =>
    left > 0
      ? `That code is wrong. ${left} tries left.`
      : 'That code is wrong. Text EMAIL <address> for a new one.',
  emailConfirmed: (email: string) => `Confirmed: echoes now also go to ${email}. EMAIL OFF to stop.`,
  noEmail: () => 'You do not get echoes by mail.',
  emailOff: (email: string) => `No more mail to ${email}.`,
  linkCode: (code: string, nick: string) =>
    `Your link code is ${code}. Within 15 minutes, text LINK ${code} from your other phone or chat to add it to ${nick}.`,
  linkUnknown: () =>
    'That link code is unknown or expired. Text LINK on a channel you joined with for a new one.',
  linkedAlready: () => 'This chat is already yours.',
  linkOther: (nick: string) => `This chat already belongs to ${nick}.`,
  linked: (nick: string) =>
    `Linked: this chat is now ${nick}'s too. Echoes go to every linked chat (at most one phone).`,
} as const;
