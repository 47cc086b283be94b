import { createEchobotApp } from './echobot-app.ts';

createEchobotApp().app.synth();
