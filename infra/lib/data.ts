// Aurora PostgreSQL Serverless v2 in the isolated subnets. Its credentials are generated
// into a Secrets Manager secret (the functions get only the secret's ARN) and it accepts
// connections only from the security groups that are granted access.
import {
  Duration,
  aws_ec2 as ec2,
  aws_logs as logs,
  RemovalPolicy,
  aws_rds as rds,
} from "aws-cdk-lib";
import { Construct } from "constructs";
import type { DeployConfig } from "./config.js";
import type { Network } from "./network.js";

export const DATABASE_NAME = "coderemote";

export class Data extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, network: Network, config: DeployConfig) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, "Sg", {
      vpc: network.vpc,
      description: "Aurora - PostgreSQL from the functions granted access",
      allowAllOutbound: false,
    });
    // PostgreSQL's log goes to a group created here, with retention; RDS would otherwise
    // create one that never expires (or need a custom-resource Lambda to set retention).
    const clusterIdentifier = `code-remote-${config.stage}`;
    const postgresLog = new logs.LogGroup(this, "PostgresLog", {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.cluster = new rds.DatabaseCluster(this, "Cluster", {
      clusterIdentifier,
      engine: rds.DatabaseClusterEngine.auroraPostgres({
        version: rds.AuroraPostgresEngineVersion.VER_16_6,
      }),
      writer: rds.ClusterInstance.serverlessV2("Writer"),
      serverlessV2MinCapacity: config.auroraMinCapacity,
      serverlessV2MaxCapacity: config.auroraMaxCapacity,
      credentials: rds.Credentials.fromGeneratedSecret("code_remote"),
      defaultDatabaseName: DATABASE_NAME,
      vpc: network.vpc,
      vpcSubnets: network.isolatedSubnets,
      securityGroups: [this.securityGroup],
      storageEncrypted: true,
      backup: { retention: Duration.days(7) },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ["postgresql"],
    });
    this.cluster.node.addDependency(postgresLog);
  }

  /** Lets `sg` open PostgreSQL connections to the cluster. */
  allowFrom(sg: ec2.ISecurityGroup, description: string): void {
    this.cluster.connections.allowDefaultPortFrom(sg, description);
  }
}
