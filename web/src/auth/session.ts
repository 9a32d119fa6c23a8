// The signed-in session: a bearer token kept in localStorage so it survives reloads, dropped
// once it expires. Cognito's hosted UI hands tokens back in the URL fragment.

import type { AuthMode, CognitoConfig } from "../api/types";

export interface Session {
  token: string;
  /** epoch ms; null when the token does not say */
  expiresAt: number | null;
  email: string | null;
  mode: AuthMode;
}

export const SESSION_KEY = "code-remote.session";

function decodeBase64Url(s: string): string {
  const b64 = s
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(s.length / 4) * 4, "=");
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The JWT's claims, unverified (the server verifies; the UI only reads exp and email). */
export function jwtClaims(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const claims = JSON.parse(decodeBase64Url(part)) as unknown;
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function tokenExpiry(token: string): number | null {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : null;
}

export function makeSession(
  token: string,
  mode: AuthMode,
  opts: { email?: string | null; expiresInSeconds?: number | null; now?: number } = {},
): Session {
  const now = opts.now ?? Date.now();
  const fromClaims = tokenExpiry(token);
  const fromResponse = opts.expiresInSeconds ? now + opts.expiresInSeconds * 1000 : null;
  const claims = jwtClaims(token);
  const email =
    opts.email ??
    (typeof claims?.email === "string" ? claims.email : null) ??
    (typeof claims?.username === "string" ? claims.username : null);
  return { token, mode, email, expiresAt: fromClaims ?? fromResponse };
}

export function isExpired(s: Session, now = Date.now()): boolean {
  return s.expiresAt !== null && s.expiresAt <= now + 5_000;
}

export function loadSession(storage: Storage, now = Date.now()): Session | null {
  let raw: string | null;
  try {
    raw = storage.getItem(SESSION_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s?.token !== "string" || !s.token) throw new Error("bad session");
    if (isExpired(s, now)) {
      storage.removeItem(SESSION_KEY);
      return null;
    }
    return s;
  } catch {
    storage.removeItem(SESSION_KEY);
    return null;
  }
}

export function saveSession(storage: Storage, s: Session): void {
  storage.setItem(SESSION_KEY, JSON.stringify(s));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(SESSION_KEY);
}

/** Tokens from a Cognito hosted-UI redirect (`#id_token=…&access_token=…&expires_in=…`). */
export function tokenFromFragment(
  hash: string,
): { token: string; expiresIn: number | null } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  // The id token carries email/username, which the server uses to create the user.
  const token = params.get("id_token") ?? params.get("access_token");
  if (!token) return null;
  const exp = Number(params.get("expires_in"));
  return { token, expiresIn: Number.isFinite(exp) && exp > 0 ? exp : null };
}

export function hostedUiBase(cfg: CognitoConfig): string | null {
  if (!cfg.domain) return null;
  if (/^https?:\/\//.test(cfg.domain)) return cfg.domain.replace(/\/$/, "");
  if (cfg.domain.includes(".")) return `https://${cfg.domain}`;
  return `https://${cfg.domain}.auth.${cfg.region}.amazoncognito.com`;
}

export function hostedUiLoginUrl(cfg: CognitoConfig, redirectUri: string): string | null {
  const base = hostedUiBase(cfg);
  if (!base) return null;
  const q = new URLSearchParams({
    client_id: cfg.client_id,
    response_type: "token",
    scope: "openid email profile",
    redirect_uri: redirectUri,
  });
  return `${base}/login?${q.toString()}`;
}

export function hostedUiLogoutUrl(cfg: CognitoConfig, redirectUri: string): string | null {
  const base = hostedUiBase(cfg);
  if (!base) return null;
  const q = new URLSearchParams({ client_id: cfg.client_id, logout_uri: redirectUri });
  return `${base}/logout?${q.toString()}`;
}
