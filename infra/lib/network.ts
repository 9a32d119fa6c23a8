// The VPC: public subnets only for the NAT gateway; `app` subnets (egress through NAT) for
// the API and WebSocket functions, which call Cognito, Gemini and the API Gateway Management
// API; `isolated` subnets — no route out at all — for the execution worker, the migrations
// and Aurora. What the isolated side needs of AWS it reaches through interface endpoints.
import { aws_ec2 as ec2 } from "aws-cdk-lib";
import { Construct } from "constructs";
import type { DeployConfig } from "./config.js";

export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** Functions that must reach the internet (through NAT). */
  readonly appSubnets: ec2.SubnetSelection = { subnetGroupName: "app" };
  /** No route beyond the VPC. */
  readonly isolatedSubnets: ec2.SubnetSelection = { subnetGroupName: "isolated" };
  /** Attached to the interface endpoints; callers are let in by security group, not CIDR. */
  readonly endpoints: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, config: DeployConfig) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.40.0.0/16"),
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways,
      natGatewaySubnets: { subnetGroupName: "public" },
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "app", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: "isolated", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
      ],
      // Would add a custom-resource Lambda (and its never-expiring log group); nothing here
      // uses the default security group: every function and endpoint has its own.
      restrictDefaultSecurityGroup: false,
    });
    this.endpoints = new ec2.SecurityGroup(this, "EndpointsSg", {
      vpc: this.vpc,
      description: "Interface endpoints - HTTPS from the function security groups only",
      allowAllOutbound: false,
    });
    // SQS (the worker extends a job's lease), Secrets Manager (database secret) and Lambda
    // (the worker hands WebSocket posts to the relay function: the Management API of a
    // WebSocket API is public only and has no VPC endpoint). Private DNS makes the SDK's
    // default endpoints resolve to these inside the VPC.
    const services: [string, ec2.InterfaceVpcEndpointAwsService][] = [
      ["Sqs", ec2.InterfaceVpcEndpointAwsService.SQS],
      ["SecretsManager", ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
      ["Lambda", ec2.InterfaceVpcEndpointAwsService.LAMBDA],
    ];
    for (const [name, service] of services) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: this.isolatedSubnets,
        securityGroups: [this.endpoints],
        privateDnsEnabled: true,
        open: false,
      });
    }
  }

  /** A security group for a function; `internet` lets it out through NAT. */
  functionGroup(id: string, description: string, internet: boolean): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(this, id, {
      vpc: this.vpc,
      description,
      allowAllOutbound: internet,
    });
    if (internet) {
      this.endpoints.connections.allowFrom(sg, ec2.Port.tcp(443), `${id} to the AWS endpoints`);
    } else {
      sg.connections.allowTo(this.endpoints, ec2.Port.tcp(443), `${id} to the AWS endpoints`);
    }
    return sg;
  }
}
