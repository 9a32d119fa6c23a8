// Assertions on the synthesised template: the properties the deployment promises
// (docs/deployment.md) checked on what CloudFormation would receive, not on our constructs.
import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { CodeRemoteStack } from "../lib/code-remote-stack.js";
import { readConfig } from "../lib/config.js";

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
  DependsOn?: string[] | string;
}

const GEMINI_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:code-remote/gemini-AbCdEf";

/** The stack as `npm run synth` builds it (cdk.json's context), plus a Gemini secret. */
function synth(extra: Record<string, unknown> = {}): Template {
  const cdkJson = JSON.parse(readFileSync(new URL("../cdk.json", import.meta.url), "utf8")) as {
    context: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, "aws:cdk:disable-asset-staging": true, ...extra },
  });
  const config = readConfig(app.node);
  return Template.fromStack(new CodeRemoteStack(app, "Test", config));
}

let template: Template;
let resources: Record<string, Resource>;

const ofType = (type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type) as [string, Resource][];
const refId = (v: unknown): string | undefined =>
  typeof v === "object" && v !== null && "Ref" in v
    ? String((v as { Ref: unknown }).Ref)
    : undefined;
const getAttId = (v: unknown): string | undefined =>
  typeof v === "object" && v !== null && "Fn::GetAtt" in v
    ? String((v as { "Fn::GetAtt": unknown[] })["Fn::GetAtt"][0])
    : undefined;

/** The Lambda function whose image command runs this handler file. */
function fnByHandler(file: string): [string, Json] {
  const found = ofType("AWS::Lambda::Function").find(([, r]) =>
    JSON.stringify(r.Properties?.ImageConfig ?? {}).includes(`lambda/${file}.handler`),
  );
  if (!found) throw new Error(`no function runs ${file}`);
  return [found[0], found[1].Properties as Json];
}

function statementsOf(doc: unknown): Json[] {
  const s = (doc as { Statement?: Json[] | Json } | undefined)?.Statement ?? [];
  return Array.isArray(s) ? s : [s];
}

/** Every policy statement in the template, wherever CloudFormation accepts one. */
function allStatements(): { where: string; statement: Json }[] {
  const out: { where: string; statement: Json }[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    for (const key of ["PolicyDocument", "AssumeRolePolicyDocument", "KeyPolicy"]) {
      for (const statement of statementsOf(p[key])) out.push({ where: `${id}.${key}`, statement });
    }
    // IAM's inline policies (a user pool's `Policies` is its password policy instead).
    const inlinePolicies = Array.isArray(p.Policies)
      ? (p.Policies as { PolicyDocument: unknown }[])
      : [];
    for (const inline of inlinePolicies) {
      for (const statement of statementsOf(inline.PolicyDocument)) {
        out.push({ where: `${id}.Policies`, statement });
      }
    }
  }
  return out;
}

/** The role's attached statements (from its AWS::IAM::Policy resources). */
function roleActions(roleId: string): string[] {
  return ofType("AWS::IAM::Policy")
    .filter(([, r]) => ((r.Properties?.Roles as unknown[]) ?? []).some((x) => refId(x) === roleId))
    .flatMap(([, r]) => statementsOf(r.Properties?.PolicyDocument))
    .flatMap((s) => [s.Action].flat() as string[]);
}

const roleOf = (fn: Json) => getAttId(fn.Role) as string;

/** Does this subnet's route table send anything to the internet (IGW, NAT, or IPv6 egress)? */
function subnetReachesInternet(subnetId: string): boolean {
  const tables = ofType("AWS::EC2::SubnetRouteTableAssociation")
    .filter(([, r]) => refId(r.Properties?.SubnetId) === subnetId)
    .map(([, r]) => refId(r.Properties?.RouteTableId));
  expect(tables.length).toBeGreaterThan(0);
  return ofType("AWS::EC2::Route").some(
    ([, r]) =>
      tables.includes(refId(r.Properties?.RouteTableId)) &&
      (r.Properties?.DestinationCidrBlock === "0.0.0.0/0" ||
        r.Properties?.DestinationIpv6CidrBlock === "::/0"),
  );
}

function securityGroupOpensInternet(sgId: string): boolean {
  const sg = resources[sgId]?.Properties ?? {};
  const inline = (sg.SecurityGroupEgress as Json[] | undefined) ?? [];
  const separate = ofType("AWS::EC2::SecurityGroupEgress")
    .filter(([, r]) => getAttId(r.Properties?.GroupId) === sgId)
    .map(([, r]) => r.Properties as Json);
  return [...inline, ...separate].some(
    (rule) => rule.CidrIp === "0.0.0.0/0" || rule.CidrIpv6 === "::/0",
  );
}

function reachesInternet(fn: Json): boolean {
  const vpc = fn.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] } | undefined;
  if (!vpc) return true; // a Lambda outside any VPC has AWS's own internet access
  return (
    vpc.SubnetIds.some((s) => subnetReachesInternet(refId(s) as string)) ||
    vpc.SecurityGroupIds.some((g) => securityGroupOpensInternet(getAttId(g) as string))
  );
}

beforeAll(() => {
  template = synth({ geminiSecretArn: GEMINI_ARN });
  resources = template.toJSON().Resources as Record<string, Resource>;
});

describe("network", () => {
  it("gives the execution worker no route to the internet, in its subnets or its security group", () => {
    const [, worker] = fnByHandler("worker-handler");
    const vpc = worker.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
    expect(vpc.SubnetIds.length).toBeGreaterThanOrEqual(2);
    for (const s of vpc.SubnetIds) expect(subnetReachesInternet(refId(s) as string)).toBe(false);
    for (const g of vpc.SecurityGroupIds) {
      expect(securityGroupOpensInternet(getAttId(g) as string)).toBe(false);
    }
    expect(reachesInternet(worker)).toBe(false);
  });

  it("tells the API (which calls Cognito and Gemini) apart: it does reach the internet", () => {
    // The detector above must be able to say yes, or its "no" would prove nothing.
    expect(reachesInternet(fnByHandler("api-handler")[1])).toBe(true);
    expect(reachesInternet(fnByHandler("ws-handler")[1])).toBe(true);
  });

  it("keeps the migrations and Aurora off the internet too", () => {
    expect(reachesInternet(fnByHandler("migrate-handler")[1])).toBe(false);
    const [[, subnetGroup]] = ofType("AWS::RDS::DBSubnetGroup") as [[string, Resource]];
    const subnets = (subnetGroup.Properties?.SubnetIds ?? []) as unknown[];
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    for (const s of subnets) {
      expect(subnetReachesInternet(refId(s) as string)).toBe(false);
    }
  });

  it("reaches SQS, Secrets Manager and Lambda through private endpoints, from the functions' groups only", () => {
    const services = ofType("AWS::EC2::VPCEndpoint").map(([, r]) =>
      JSON.stringify(r.Properties?.ServiceName),
    );
    for (const svc of [".sqs", ".secretsmanager", ".lambda"]) {
      expect(services.some((s) => s.includes(svc))).toBe(true);
    }
    const endpointGroups = new Set<string>();
    for (const [, r] of ofType("AWS::EC2::VPCEndpoint")) {
      expect(r.Properties?.PrivateDnsEnabled).toBe(true);
      for (const g of (r.Properties?.SecurityGroupIds ?? []) as unknown[]) {
        endpointGroups.add(getAttId(g) as string);
      }
    }
    // No CIDR-wide ingress to anything: security groups let callers in, by group.
    const ingress = ofType("AWS::EC2::SecurityGroupIngress");
    expect(ingress.length).toBeGreaterThan(0);
    for (const [, r] of ingress) {
      expect(r.Properties?.CidrIp).toBeUndefined();
      expect(r.Properties?.SourceSecurityGroupId).toBeDefined();
    }
    for (const [id, sg] of ofType("AWS::EC2::SecurityGroup")) {
      expect(sg.Properties?.SecurityGroupIngress ?? [], `${id}: inline ingress`).toEqual([]);
    }
    // The endpoints' groups admit the functions' groups, and nothing else.
    const functionGroups = new Set(
      ofType("AWS::Lambda::Function").flatMap(([, fn]) =>
        (((fn.Properties?.VpcConfig as Json | undefined)?.SecurityGroupIds ?? []) as unknown[]).map(
          (g) => getAttId(g) as string,
        ),
      ),
    );
    expect(endpointGroups.size).toBeGreaterThan(0);
    for (const group of endpointGroups) {
      const sources = ingress
        .filter(([, r]) => getAttId(r.Properties?.GroupId) === group)
        .map(([, r]) => getAttId(r.Properties?.SourceSecurityGroupId) as string);
      expect(sources.length, group).toBeGreaterThan(0);
      for (const source of sources) expect([...functionGroups], group).toContain(source);
    }
  });
});

describe("IAM", () => {
  it("has no statement allowing a wildcard action, and none with a * resource but EC2's ENI calls", () => {
    const statements = allStatements();
    expect(statements.length).toBeGreaterThan(10);
    for (const { where, statement } of statements) {
      if (statement.Effect !== "Allow") continue; // enforceSSL's Deny on sqs:* only narrows
      const actions = [statement.Action].flat() as string[];
      for (const action of actions) expect(action, where).not.toContain("*");
      if ([statement.Resource].flat().includes("*")) {
        for (const action of actions) expect(action, where).toMatch(/^ec2:/);
      }
    }
  });

  it("attaches no AWS managed policies: every role holds only its inline statements", () => {
    const roles = ofType("AWS::IAM::Role");
    // At least one role per function: the loop below checks every function's role.
    expect(roles.length).toBeGreaterThanOrEqual(ofType("AWS::Lambda::Function").length);
    for (const [id, r] of roles) {
      expect(r.Properties?.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it("grants each function only its own work", () => {
    const api = roleActions(roleOf(fnByHandler("api-handler")[1]));
    const ws = roleActions(roleOf(fnByHandler("ws-handler")[1]));
    const worker = roleActions(roleOf(fnByHandler("worker-handler")[1]));
    const relay = roleActions(roleOf(fnByHandler("relay-handler")[1]));
    const migrate = roleActions(roleOf(fnByHandler("migrate-handler")[1]));
    // Jobs: the API enqueues and never consumes; the worker consumes and never enqueues.
    expect(api).toContain("sqs:SendMessage");
    expect(api).not.toContain("sqs:ReceiveMessage");
    expect(worker).toEqual(
      expect.arrayContaining([
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
      ]),
    );
    expect(worker).not.toContain("sqs:SendMessage");
    // Only the API reads the Gemini key.
    const readsGemini = (fn: string) =>
      ofType("AWS::IAM::Policy").some(
        ([, r]) =>
          ((r.Properties?.Roles as unknown[]) ?? []).some(
            (x) => refId(x) === roleOf(fnByHandler(fn)[1]),
          ) && JSON.stringify(r.Properties?.PolicyDocument).includes(GEMINI_ARN),
      );
    expect(readsGemini("api-handler")).toBe(true);
    for (const fn of ["ws-handler", "worker-handler", "migrate-handler", "relay-handler"]) {
      expect(readsGemini(fn), fn).toBe(false);
    }
    // WebSocket posts: the worker has to ask the relay, which can do nothing else.
    expect(worker).not.toContain("execute-api:ManageConnections");
    expect(worker).toContain("lambda:InvokeFunction");
    expect(relay.filter((a) => !a.startsWith("logs:"))).toEqual(["execute-api:ManageConnections"]);
    expect(ws).not.toContain("sqs:SendMessage");
    expect(migrate.filter((a) => !a.startsWith("logs:") && !a.startsWith("ec2:"))).toEqual([
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
    ]);
  });
});

describe("queues", () => {
  it("are all FIFO; every queue that is not a dead-letter queue redrives to a FIFO one after more than the job's 3 attempts", () => {
    const queues = ofType("AWS::SQS::Queue");
    expect(queues.length).toBeGreaterThanOrEqual(2);
    const dlqs = new Set<string>();
    for (const [, q] of queues) {
      expect(q.Properties?.FifoQueue).toBe(true);
      const redrive = q.Properties?.RedrivePolicy as
        | { deadLetterTargetArn: unknown; maxReceiveCount: number }
        | undefined;
      if (redrive) {
        dlqs.add(getAttId(redrive.deadLetterTargetArn) as string);
        expect(redrive.maxReceiveCount).toBeGreaterThan(3);
      }
    }
    for (const [id, q] of queues) {
      if (dlqs.has(id)) continue;
      expect(q.Properties?.RedrivePolicy, `${id} has no dead-letter queue`).toBeDefined();
    }
    for (const dlq of dlqs) expect(resources[dlq]?.Properties?.FifoQueue).toBe(true);
  });

  it("alarm on dead letters and on a growing backlog", () => {
    const alarmed = ofType("AWS::CloudWatch::Alarm").map(([, a]) => JSON.stringify(a.Properties));
    for (const [id] of ofType("AWS::SQS::Queue")) {
      expect(
        alarmed.some((a) => a.includes(id)),
        `${id} has no alarm`,
      ).toBe(true);
    }
    expect(alarmed.some((a) => a.includes("ApproximateNumberOfMessagesVisible"))).toBe(true);
    expect(alarmed.some((a) => a.includes("ApproximateAgeOfOldestMessage"))).toBe(true);
    for (const [, a] of ofType("AWS::CloudWatch::Alarm")) {
      expect(((a.Properties?.AlarmActions ?? []) as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it("feed the worker with batch item failures reported", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      FunctionName: { Ref: fnByHandler("worker-handler")[0] },
    });
  });
});

describe("logs", () => {
  it("every log group expires, and every function logs to one of them (no implicit, never-expiring group)", () => {
    const groups = ofType("AWS::Logs::LogGroup");
    const functions = ofType("AWS::Lambda::Function");
    // The five image functions and the migrations' custom-resource provider at least.
    expect(functions.length).toBeGreaterThanOrEqual(6);
    expect(groups.length).toBeGreaterThanOrEqual(functions.length);
    for (const [id, g] of groups) expect(g.Properties?.RetentionInDays, id).toBe(30);
    const ids = new Set(groups.map(([id]) => id));
    for (const [id, fn] of functions) {
      const group = refId((fn.Properties?.LoggingConfig as Json | undefined)?.LogGroup);
      expect(group && ids.has(group), `${id} logs to a group of the stack`).toBe(true);
    }
  });
});

describe("secrets", () => {
  it("are never in plain environment variables: functions get secret ARNs only", () => {
    const SENSITIVE = /(PASSWORD|SECRET|API_KEY|TOKEN|DATABASE_URL)$/;
    let secretRefs = 0;
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      const vars = ((fn.Properties?.Environment as Json | undefined)?.Variables ?? {}) as Json;
      for (const [name, value] of Object.entries(vars)) {
        const text = JSON.stringify(value);
        expect(name, `${id}: ${name}`).not.toMatch(SENSITIVE);
        expect(text, `${id}: ${name}`).not.toMatch(/resolve:(secretsmanager|ssm-secure)/);
        if (name.endsWith("_SECRET_ARN")) {
          secretRefs += 1;
          expect(text === JSON.stringify(GEMINI_ARN) || refId(value) !== undefined, name).toBe(
            true,
          );
        }
      }
    }
    expect(secretRefs).toBeGreaterThanOrEqual(5);
    const db = fnByHandler("api-handler")[1];
    const arn = refId(((db.Environment as Json).Variables as Json).DATABASE_SECRET_ARN) as string;
    expect([
      "AWS::SecretsManager::Secret",
      "AWS::SecretsManager::SecretTargetAttachment",
    ]).toContain(resources[arn]?.Type);
  });
});

describe("entry points", () => {
  const env = (file: string) =>
    ((fnByHandler(file)[1].Environment as Json).Variables ?? {}) as Record<string, unknown>;

  it("run code only in the worker: the API queues its runs and waits inside its own timeout", () => {
    expect(env("api-handler")).toMatchObject({ SANDBOX: "none", JOB_QUEUE: "sqs" });
    expect(env("ws-handler")).toMatchObject({ SANDBOX: "none" });
    expect(env("worker-handler")).toMatchObject({
      SANDBOX: "process",
      ALLOW_PROCESS_SANDBOX: "true",
    });
    const api = fnByHandler("api-handler")[1];
    const waited =
      Number(env("api-handler").EXECUTION_TIMEOUT_SECONDS) +
      Number(env("api-handler").EXECUTION_QUEUE_WAIT_SECONDS);
    expect(waited).toBeLessThan(Number(api.Timeout));
  });

  it("accept token-less WebSockets (the original client) only when context anonymousWebSocket says so", () => {
    expect(env("api-handler").WS_ALLOW_ANONYMOUS).toBe("false");
    expect(env("ws-handler").WS_ALLOW_ANONYMOUS).toBe("false");
    const open = synth({ anonymousWebSocket: "true" }).toJSON().Resources as Record<
      string,
      Resource
    >;
    const wsFn = Object.values(open).find(
      (r) =>
        r.Type === "AWS::Lambda::Function" &&
        JSON.stringify(r.Properties?.ImageConfig ?? {}).includes("lambda/ws-handler.handler"),
    );
    const vars = ((wsFn?.Properties?.Environment as Json | undefined)?.Variables ?? {}) as Json;
    expect(vars.WS_ALLOW_ANONYMOUS).toBe("true");
    expect(() => synth({ anonymousWebSocket: "yes" })).toThrow(/anonymousWebSocket/);
  });
});

describe("the images", () => {
  it("point every function at a handler the server exports, built from infra/docker/Dockerfile", () => {
    const fns = ofType("AWS::Lambda::Function").filter(([, r]) => r.Properties?.ImageConfig);
    expect(fns.length).toBe(5);
    for (const [id, fn] of fns) {
      const [command] =
        (fn.Properties?.ImageConfig as { Command: string[] } | undefined)?.Command ?? [];
      const m = /^server\/dist\/(.+)\.handler$/.exec(command ?? "");
      expect(m, `${id}: ${command}`).not.toBeNull();
      const source = readFileSync(
        new URL(`../../server/src/${m?.[1]}.ts`, import.meta.url),
        "utf8",
      );
      expect(source, command).toMatch(/export (const|async function) handler\b/);
    }
    const dockerfile = readFileSync(new URL("../docker/Dockerfile", import.meta.url), "utf8");
    for (const target of ["api", "worker"])
      expect(dockerfile).toMatch(new RegExp(`AS ${target}\\b`));
  });
});

describe("the rest of the shape", () => {
  it("throttles both APIs and logs the HTTP API's access", () => {
    const stages = ofType("AWS::ApiGatewayV2::Stage");
    expect(stages).toHaveLength(2); // the HTTP API's and the WebSocket API's
    for (const [id, s] of stages) {
      expect(s.Properties?.DefaultRouteSettings, id).toMatchObject({
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      });
    }
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AccessLogSettings: { DestinationArn: { "Fn::GetAtt": [Match.anyValue(), "Arn"] } },
    });
  });

  it("routes $connect, $disconnect and $default of the WebSocket API, and everything of the HTTP API, to Lambda", () => {
    const keys = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties?.RouteKey);
    expect(keys).toEqual(expect.arrayContaining(["$connect", "$disconnect", "$default"]));
    expect(keys.filter((k) => k === "$default")).toHaveLength(2);
  });

  it("runs Aurora PostgreSQL Serverless v2, encrypted, with a generated secret", () => {
    template.hasResourceProperties("AWS::RDS::DBCluster", {
      Engine: "aurora-postgresql",
      StorageEncrypted: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
    });
    template.hasResourceProperties("AWS::RDS::DBInstance", { DBInstanceClass: "db.serverless" });
    template.resourceCountIs("AWS::SecretsManager::Secret", 1);
  });

  it("has a Cognito user pool and a public client without a secret", () => {
    template.hasResourceProperties("AWS::Cognito::UserPool", {
      UsernameAttributes: ["email"],
      AutoVerifiedAttributes: ["email"],
    });
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", { GenerateSecret: false });
  });

  it("runs the migrations on deploy before the serving functions update", () => {
    const [[migrationsId]] = ofType("Custom::CodeRemoteMigrations") as [[string, Resource]];
    for (const file of ["api-handler", "ws-handler", "worker-handler"]) {
      const [id] = fnByHandler(file);
      expect([resources[id]?.DependsOn ?? []].flat(), file).toContain(migrationsId);
    }
  });

  it("synthesises without a Gemini secret: the API then analyses offline and no function reads one", () => {
    const plain = synth({ geminiSecretArn: "" }).toJSON();
    expect(JSON.stringify(plain)).not.toContain("GEMINI_API_KEY_SECRET_ARN");
  });
});
