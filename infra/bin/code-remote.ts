// The CDK app: one stack, every knob from context (cdk.json), nothing looked up in AWS, so
// `npm run synth` works offline and without credentials.
import { App } from "aws-cdk-lib";
import { CodeRemoteStack } from "../lib/code-remote-stack.js";
import { readConfig } from "../lib/config.js";

const app = new App();
const config = readConfig(app.node);
new CodeRemoteStack(app, `CodeRemote-${config.stage}`, config, {
  description:
    "Code Remote: secure remote Python execution (API, WebSocket, worker, Aurora, Cognito)",
});
app.synth();
