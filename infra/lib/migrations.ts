// Runs the migrate function on every deployment whose server image changed, before the
// functions that serve traffic update (they depend on this resource). A failed migration
// fails the deployment, and CloudFormation rolls back.
import {
  CustomResource,
  custom_resources as cr,
  type aws_ecr_assets as ecrAssets,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_logs as logs,
  RemovalPolicy,
} from "aws-cdk-lib";
import { Construct } from "constructs";

export class Migrations extends Construct {
  readonly resource: CustomResource;

  constructor(
    scope: Construct,
    id: string,
    props: {
      migrate: lambda.IFunction;
      image: ecrAssets.DockerImageAsset;
      logRetentionDays: number;
    },
  ) {
    super(scope, id);
    // The provider framework's own function: like ours, an inline-only role and a log group
    // with retention (its default would be a managed policy and a log group kept forever).
    const logGroup = new logs.LogGroup(this, "ProviderLogs", {
      retention: props.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, "ProviderRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Migrations provider: invokes the migrate function, writes its own log",
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    const provider = new cr.Provider(this, "Provider", {
      onEventHandler: props.migrate,
      frameworkOnEventRole: role,
      logGroup,
    });
    this.resource = new CustomResource(this, "Run", {
      serviceToken: provider.serviceToken,
      resourceType: "Custom::CodeRemoteMigrations",
      // A new image may carry new migrations: its hash changing makes this an update.
      properties: { image: props.image.assetHash },
    });
  }
}
