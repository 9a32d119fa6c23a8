// Development only (refused in production by the settings): every request is one local user.
import type { Authenticator, Identity } from "./authenticator.js";

export class DisabledAuthenticator implements Authenticator {
  readonly mode = "disabled" as const;
  async verify(): Promise<Identity> {
    return { sub: "dev:anonymous", email: "dev@localhost.invalid", username: "developer" };
  }
}
