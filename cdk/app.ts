/**
 * CDK app: `npm run synth` (offline) or `npx cdk deploy --all -c stage=prod`.
 * cdk-nag's AwsSolutions pack checks every stack at synth (a finding fails it); each
 * acknowledgement sits next to the resource it concerns, with its reason (constructs/nag.ts).
 */
import { App, Tags } from 'aws-cdk-lib';
import { stageConfig } from './config.ts';
import { ConsoleContentStack, ConsoleStack } from './console-stacks.ts';
import { addNagChecks } from './constructs/nag.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export function buildApp(app: App = new App()): {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
  console: ConsoleStack;
  consoleContent: ConsoleContentStack;
} {
  const context = (key: string) => app.node.tryGetContext(key) as string | undefined;
  const config = stageConfig(context('stage'), {
    alarmEmail: context('alarmEmail'),
    alarmTopicArn: context('alarmTopicArn'),
  });
  const prefix = `VoecBorder-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, { config });
  const consoleStack = new ConsoleStack(app, `${prefix}-Console`, { config });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    config,
    table: stateful.table,
    reportQueue: stateful.reportQueue,
    reportFollowUpQueue: stateful.reportFollowUpQueue,
    reportDeadLetterQueue: stateful.reportDeadLetterQueue,
    notificationQueue: stateful.notificationQueue,
    notificationDeadLetterQueue: stateful.notificationDeadLetterQueue,
    outboxStreamFailureQueue: stateful.outboxStreamFailureQueue,
    maskinportenSecret: stateful.maskinportenSecret,
    uploadBucket: stateful.uploadBucket,
    uploadQueue: stateful.uploadQueue,
    uploadDeadLetterQueue: stateful.uploadDeadLetterQueue,
    consoleOrigin: consoleStack.hosting.origin,
  });
  const consoleContent = new ConsoleContentStack(app, `${prefix}-ConsoleContent`, {
    consoleStack,
    apiUrl: stateless.api.apiEndpoint,
  });
  Tags.of(app).add('project', 'voec-border');
  Tags.of(app).add('stage', config.stage);
  addNagChecks(app);
  return { app, stateful, stateless, console: consoleStack, consoleContent };
}
