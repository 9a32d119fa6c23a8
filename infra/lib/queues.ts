// The execution queue: SQS FIFO (per-user order by MessageGroupId, dedup by job id), its
// FIFO dead-letter queue, and the alarms that say when jobs pile up or die.
import {
  aws_cloudwatch_actions as actions,
  aws_cloudwatch as cloudwatch,
  Duration,
  type aws_sns as sns,
  aws_sqs as sqs,
} from "aws-cdk-lib";
import { Construct } from "constructs";

/** The processor gives a job 3 attempts, and may first defer it for fair turns between users
 * (each deferral is a delivery; it stops deferring while 3 + 1 deliveries are left); the
 * broker must not dead-letter it before all that. Same as the memory queue's. */
export const MAX_RECEIVE_COUNT = 25;

export class Queues extends Construct {
  readonly execution: sqs.Queue;
  readonly executionDlq: sqs.Queue;

  constructor(scope: Construct, id: string, opts: { workerTimeout: Duration; alarms: sns.ITopic }) {
    super(scope, id);
    this.executionDlq = new sqs.Queue(this, "ExecutionDlq", {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.execution = new sqs.Queue(this, "Execution", {
      fifo: true,
      // The job lease. Lambda's SQS trigger wants at least six times the function timeout.
      visibilityTimeout: Duration.seconds(opts.workerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.executionDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const notify = new actions.SnsAction(opts.alarms);
    const deadLetters = new cloudwatch.Alarm(this, "ExecutionDeadLetters", {
      alarmDescription: "Execution jobs reached the dead-letter queue: a worker keeps failing",
      metric: this.executionDlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const backlog = new cloudwatch.Alarm(this, "ExecutionBacklog", {
      alarmDescription:
        "The oldest execution job has waited over 2 minutes: workers cannot keep up",
      metric: this.execution.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 120,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [deadLetters, backlog]) alarm.addAlarmAction(notify);
  }
}
