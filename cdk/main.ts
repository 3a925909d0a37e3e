/** Entry point for the CDK CLI (`cdk.json`). */
import { buildApp } from './app.ts';

buildApp().app.synth();
