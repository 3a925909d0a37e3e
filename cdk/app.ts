/**
 * CDK app: `npm run synth` (offline) or `npx cdk deploy --all -c stage=prod`.
 */
import { App, Tags } from 'aws-cdk-lib';
import { stageConfig } from './config.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export function buildApp(app: App = new App()): {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
} {
  const config = stageConfig(app.node.tryGetContext('stage') as string | undefined);
  const prefix = `VoecBorder-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, { config });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    config,
    table: stateful.table,
    reportQueue: stateful.reportQueue,
    reportDeadLetterQueue: stateful.reportDeadLetterQueue,
    notificationQueue: stateful.notificationQueue,
    notificationDeadLetterQueue: stateful.notificationDeadLetterQueue,
    maskinportenSecret: stateful.maskinportenSecret,
  });
  Tags.of(app).add('project', 'voec-border');
  Tags.of(app).add('stage', config.stage);
  return { app, stateful, stateless };
}
