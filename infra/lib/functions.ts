// One Lambda function of the stack, from a container image, with what least privilege asks
// of it: a role of its own holding only inline statements (no AWS managed policies, whose
// `logs:*`-style grants span every log group), a log group of its own with retention, and —
// inside the VPC — its own security group.
import { fileURLToPath } from "node:url";
import {
  type Duration,
  type aws_ec2 as ec2,
  aws_ecr_assets as ecrAssets,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  RemovalPolicy,
} from "aws-cdk-lib";
import { Construct } from "constructs";

/** The repository root: the images' build context. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type ImageTarget = "api" | "worker";

/** The two images of infra/docker/Dockerfile: the server (API, WebSocket, migrations) and the
 * execution worker (the same plus the sandbox's Python). Built and pushed by `cdk deploy`. */
export function imageAsset(scope: Construct, target: ImageTarget): ecrAssets.DockerImageAsset {
  return new ecrAssets.DockerImageAsset(scope, `${target}-image`, {
    directory: REPO_ROOT,
    file: "infra/docker/Dockerfile",
    target,
    platform: ecrAssets.Platform.LINUX_AMD64,
  });
}

export interface ServiceFunctionProps {
  description: string;
  image: ecrAssets.DockerImageAsset;
  /** The handler, as the image's runtime interface client takes it (file.export). */
  handler: string;
  memoryMb: number;
  timeout: Duration;
  environment: Record<string, string>;
  logRetentionDays: number;
  vpc?: { vpc: ec2.IVpc; subnets: ec2.SubnetSelection; securityGroup: ec2.ISecurityGroup };
  reservedConcurrency?: number;
}

export class ServiceFunction extends Construct {
  readonly fn: lambda.DockerImageFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `${id}: ${props.description}`,
    });
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.vpc) {
      // What Lambda needs to attach the function to its subnets. EC2 has no resource-level
      // permissions for these, hence the one `*` resource of the role (never an action).
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
          ],
          resources: ["*"],
        }),
      );
    }
    this.fn = new lambda.DockerImageFunction(this, "Function", {
      description: props.description,
      code: lambda.DockerImageCode.fromEcr(props.image.repository, {
        tagOrDigest: props.image.imageTag,
        cmd: [props.handler],
      }),
      architecture: lambda.Architecture.X86_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      ...(props.vpc
        ? {
            vpc: props.vpc.vpc,
            vpcSubnets: props.vpc.subnets,
            securityGroups: [props.vpc.securityGroup],
          }
        : {}),
    });
  }
}
