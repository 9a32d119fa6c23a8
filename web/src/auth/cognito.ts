// Cognito without the hosted UI: USER_PASSWORD_AUTH through the user pool's public
// InitiateAuth API (what Amplify's password flow calls), for pools without a domain.

import { ApiError } from "../api/errors";
import type { CognitoConfig } from "../api/types";

export function cognitoEndpoint(cfg: CognitoConfig): string {
  return cfg.endpoint?.replace(/\/$/, "") || `https://cognito-idp.${cfg.region}.amazonaws.com`;
}

export interface CognitoTokens {
  idToken: string;
  accessToken: string;
  expiresIn: number | null;
}

const HUMAN: Record<string, string> = {
  NotAuthorizedException: "Incorrect username or password.",
  UserNotFoundException: "Incorrect username or password.",
  // What emulators (cognito-local) answer for a wrong password at sign-in.
  InvalidPasswordException: "Incorrect username or password.",
  UserNotConfirmedException: "This account is not confirmed yet. Check your email for the code.",
  PasswordResetRequiredException: "You need to reset your password before signing in.",
  TooManyRequestsException: "Too many attempts. Please wait a moment and try again.",
};

export async function cognitoPasswordSignIn(
  cfg: CognitoConfig,
  username: string,
  password: string,
  fetchImpl: typeof fetch = fetch.bind(globalThis),
): Promise<CognitoTokens> {
  let res: Response;
  try {
    res = await fetchImpl(`${cognitoEndpoint(cfg)}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: cfg.client_id,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch {
    throw new ApiError(0, "network_error", "Can't reach the sign-in service. Please try again.");
  }
  const body = (await res.json().catch(() => ({}))) as {
    __type?: string;
    AuthenticationResult?: { IdToken?: string; AccessToken?: string; ExpiresIn?: number };
    ChallengeName?: string;
  };
  if (!res.ok) {
    const kind = (body.__type ?? "").split("#").pop() ?? "";
    throw new ApiError(res.status, kind, HUMAN[kind] ?? "Sign-in failed. Please try again.");
  }
  const r = body.AuthenticationResult;
  if (!r?.IdToken || !r.AccessToken) {
    const why = body.ChallengeName
      ? ` (${body.ChallengeName.toLowerCase().replace(/_/g, " ")})`
      : "";
    throw new ApiError(
      400,
      "challenge",
      `This account needs another sign-in step${why}, which this page does not support yet.`,
    );
  }
  return { idToken: r.IdToken, accessToken: r.AccessToken, expiresIn: r.ExpiresIn ?? null };
}
