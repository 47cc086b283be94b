// A phone texting a bot through Twilio's signed webhook lives with the local tools.
export { messageSid, type SmsWebhook, sendSms } from '../../local/twilio-phone.ts';
