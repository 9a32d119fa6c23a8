// The whole AWS deployment (docs/deployment.md, "AWS"): HTTP API and WebSocket API in front
// of Lambda functions built from two container images, SQS FIFO between the API and the
// execution worker, Aurora PostgreSQL Serverless v2, Cognito, and a VPC in which the worker
// — the one that runs strangers' code — has no route to the internet.
import {
  aws_apigatewayv2 as apigw,
  CfnOutput,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  Duration,
  aws_apigatewayv2_integrations as integrations,
  aws_logs as logs,
  RemovalPolicy,
  Stack,
  type StackProps,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_lambda_event_sources as sources,
  aws_sns_subscriptions as subscriptions,
} from "aws-cdk-lib";
import type { Construct } from "constructs";
import { Auth } from "./auth.js";
import type { DeployConfig } from "./config.js";
import { Data } from "./data.js";
import { imageAsset, ServiceFunction } from "./functions.js";
import { Migrations } from "./migrations.js";
import { Network } from "./network.js";
import { Queues } from "./queues.js";

/** API Gateway ends an HTTP integration after 30 s: a synchronous run must end before. */
const EXECUTION_TIMEOUT_SECONDS = 20;
const WORKER_TIMEOUT = Duration.seconds(60);

export class CodeRemoteStack extends Stack {
  constructor(scope: Construct, id: string, config: DeployConfig, props: StackProps = {}) {
    super(scope, id, { ...props, env: { account: config.account, region: config.region } });
    // The answer to CDK's availability-zone lookup, given rather than asked of AWS.
    this.node.setContext(
      `availability-zones:account=${config.account}:region=${config.region}`,
      config.availabilityZones,
    );
    const retention = config.logRetentionDays;

    const alarms = new sns.Topic(this, "Alarms", { enforceSSL: true });
    if (config.alarmEmail)
      alarms.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    const network = new Network(this, "Network", config);
    const data = new Data(this, "Data", network, config);
    const dbSecret = data.cluster.secret;
    if (!dbSecret) throw new Error("the cluster's generated secret is missing");
    const auth = new Auth(this, "Auth");
    const queues = new Queues(this, "Queues", { workerTimeout: WORKER_TIMEOUT, alarms });
    const gemini = config.geminiSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, "GeminiKey", config.geminiSecretArn)
      : undefined;

    // The WebSocket API first: every publisher needs its management endpoint.
    const wsApi = new apigw.WebSocketApi(this, "WebSocketApi", {
      description: "Code Remote live output: execution_output/_result and analysis streams",
    });
    const throttle = { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit };
    const wsStage = new apigw.WebSocketStage(this, "WebSocketStage", {
      webSocketApi: wsApi,
      stageName: config.stage,
      autoDeploy: true,
      throttle,
    });

    const apiImage = imageAsset(this, "api");
    const workerImage = imageAsset(this, "worker");
    const settings = {
      ENVIRONMENT: "production",
      LOG_LEVEL: "info",
      DATA_DIR: "/tmp/code-remote",
      SERVE_WEB: "false",
      AUTH_MODE: "cognito",
      COGNITO_USER_POOL_ID: auth.userPool.userPoolId,
      COGNITO_CLIENT_ID: auth.client.userPoolClientId,
      DATABASE_SECRET_ARN: dbSecret.secretArn,
    };
    const jobs = {
      JOB_QUEUE: "sqs",
      EXECUTION_QUEUE_URL: queues.execution.queueUrl,
      RUN_WORKERS_IN_PROCESS: "false",
      NOTIFIER: "apigateway",
      APIGATEWAY_ENDPOINT: wsStage.callbackUrl,
      EXECUTION_TIMEOUT_SECONDS: String(EXECUTION_TIMEOUT_SECONDS),
      WS_ALLOW_ANONYMOUS: String(config.anonymousWebSocket),
    };

    const appSg = network.functionGroup("AppSg", "API and WebSocket functions", true);
    const workerSg = network.functionGroup(
      "WorkerSg",
      "Execution worker - endpoints and Aurora only",
      false,
    );
    const migrateSg = network.functionGroup(
      "MigrateSg",
      "Migrations - endpoints and Aurora only",
      false,
    );
    for (const [sg, who] of [
      [appSg, "API and WebSocket functions"],
      [workerSg, "execution worker"],
      [migrateSg, "migrations"],
    ] as const) {
      data.allowFrom(sg, `PostgreSQL from the ${who}`);
    }
    const inApp = { vpc: network.vpc, subnets: network.appSubnets, securityGroup: appSg };

    // Posts to WebSocket connections for the worker, which cannot reach the (public-only)
    // Management API from its isolated subnets; outside the VPC, it can do nothing else.
    const relay = new ServiceFunction(this, "Relay", {
      description: "Posts messages to API Gateway WebSocket connections for the execution worker",
      image: apiImage,
      handler: "server/dist/lambda/relay-handler.handler",
      memoryMb: 256,
      timeout: Duration.seconds(10),
      environment: {
        ENVIRONMENT: "production",
        LOG_LEVEL: "info",
        AUTH_MODE: "cognito",
        COGNITO_USER_POOL_ID: auth.userPool.userPoolId,
        COGNITO_CLIENT_ID: auth.client.userPoolClientId,
        NOTIFIER: "apigateway",
        APIGATEWAY_ENDPOINT: wsStage.callbackUrl,
      },
      logRetentionDays: retention,
    });

    const api = new ServiceFunction(this, "Api", {
      description: "HTTP API: auth, snippets, execution (via the worker), analysis, search",
      image: apiImage,
      handler: "server/dist/lambda/api-handler.handler",
      memoryMb: 1024,
      timeout: Duration.seconds(29),
      environment: {
        ...settings,
        ...jobs,
        SANDBOX: "none",
        // POST /execute waits for the worker: 20 s run + 8 s, inside the 29 s timeout.
        EXECUTION_QUEUE_WAIT_SECONDS: "8",
        CORS_ORIGINS: config.corsOrigins,
        ...(gemini ? { GEMINI_API_KEY_SECRET_ARN: gemini.secretArn } : {}),
      },
      logRetentionDays: retention,
      vpc: inApp,
    });

    const ws = new ServiceFunction(this, "WebSocket", {
      description: "WebSocket API: $connect, $disconnect and client messages",
      image: apiImage,
      handler: "server/dist/lambda/ws-handler.handler",
      memoryMb: 512,
      timeout: Duration.seconds(10),
      environment: { ...settings, ...jobs, SANDBOX: "none" },
      logRetentionDays: retention,
      vpc: inApp,
    });

    const worker = new ServiceFunction(this, "Worker", {
      description: "Execution worker: runs queued jobs in the process sandbox of its microVM",
      image: workerImage,
      handler: "server/dist/lambda/worker-handler.handler",
      memoryMb: 2048,
      timeout: WORKER_TIMEOUT,
      environment: {
        ...settings,
        ...jobs,
        SANDBOX: "process",
        ALLOW_PROCESS_SANDBOX: "true",
        SANDBOX_POOL_SIZE: "1",
        SANDBOX_MAX_CONCURRENT: "1",
        APIGATEWAY_RELAY_FUNCTION: relay.fn.functionName,
      },
      logRetentionDays: retention,
      vpc: { vpc: network.vpc, subnets: network.isolatedSubnets, securityGroup: workerSg },
    });
    worker.fn.addEventSource(
      new sources.SqsEventSource(queues.execution, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: config.workerConcurrency,
      }),
    );

    const migrate = new ServiceFunction(this, "Migrate", {
      description: "Applies the committed database migrations (run by every deployment)",
      image: apiImage,
      handler: "server/dist/lambda/migrate-handler.handler",
      memoryMb: 512,
      timeout: Duration.minutes(5),
      environment: settings,
      logRetentionDays: retention,
      vpc: { vpc: network.vpc, subnets: network.isolatedSubnets, securityGroup: migrateSg },
    });
    const migrations = new Migrations(this, "Migrations", {
      migrate: migrate.fn,
      image: apiImage,
      logRetentionDays: retention,
    });
    // New code meets a migrated schema: the serving functions update after the migrations.
    for (const f of [api, ws, worker]) f.fn.node.addDependency(migrations.resource);

    // Least privilege, per function: each grant below is the whole of what it may do.
    for (const f of [api, ws, worker, migrate]) dbSecret.grantRead(f.role);
    if (gemini) gemini.grantRead(api.role);
    queues.execution.grantSendMessages(api.role);
    // The event source receives and deletes; the handler itself extends leases.
    queues.execution.grantConsumeMessages(worker.role);
    relay.fn.grantInvoke(worker.role);
    for (const f of [api, ws, relay]) wsStage.grantManagementApiAccess(f.role);

    wsApi.addRoute("$connect", {
      integration: new integrations.WebSocketLambdaIntegration("OnConnect", ws.fn),
    });
    wsApi.addRoute("$disconnect", {
      integration: new integrations.WebSocketLambdaIntegration("OnDisconnect", ws.fn),
    });
    wsApi.addRoute("$default", {
      integration: new integrations.WebSocketLambdaIntegration("OnMessage", ws.fn),
    });

    // Every request (CORS preflight included) goes to the app: one source of truth for CORS.
    const httpApi = new apigw.HttpApi(this, "HttpApi", {
      description: "Code Remote HTTP API",
      createDefaultStage: false,
      defaultIntegration: new integrations.HttpLambdaIntegration("App", api.fn),
    });
    const accessLogs = new logs.LogGroup(this, "HttpApiAccessLogs", {
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const httpStage = new apigw.HttpStage(this, "HttpStage", {
      httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });

    const notify = new cwActions.SnsAction(alarms);
    const errorAlarms: [string, cloudwatch.IMetric, string][] = [
      [
        "WorkerErrors",
        worker.fn.metricErrors({ period: Duration.minutes(5) }),
        "The execution worker Lambda failed",
      ],
      ["ApiErrors", api.fn.metricErrors({ period: Duration.minutes(5) }), "The API Lambda failed"],
      [
        "Api5xx",
        httpApi.metricServerError({ period: Duration.minutes(5) }),
        "The HTTP API answered 5xx",
      ],
    ];
    for (const [name, metric, description] of errorAlarms) {
      new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(notify);
    }

    new CfnOutput(this, "HttpApiUrl", { value: httpStage.url });
    new CfnOutput(this, "WebSocketUrl", { value: wsStage.url });
    new CfnOutput(this, "UserPoolId", { value: auth.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: auth.client.userPoolClientId });
    new CfnOutput(this, "DatabaseSecretArn", { value: dbSecret.secretArn });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topicArn });
  }
}
