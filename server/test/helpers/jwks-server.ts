// A local JWKS endpoint with real RSA keys, standing in for a Cognito user pool's
// /.well-known/jwks.json. Keys can be rotated and the endpoint taken down.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

type Key = { kid: string; privateKey: CryptoKey; jwk: JWK };

export interface JwksServer {
  url: string;
  issuer: string;
  fetches: number;
  /** Serve HTTP 500 (true) or answer normally (false). */
  failing: boolean;
  addKey(kid: string): Promise<void>;
  sign(
    claims: Record<string, unknown>,
    opts?: { kid?: string; expiresIn?: number; notBefore?: number },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startJwksServer(poolId = "us-east-1_TestPool"): Promise<JwksServer> {
  const keys: Key[] = [];
  const state = { fetches: 0, failing: false };
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith("/.well-known/jwks.json")) {
      state.fetches += 1;
      if (state.failing) {
        res.writeHead(500).end("down");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${poolId}`;

  const addKey = async (kid: string) => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
    keys.push({ kid, privateKey: privateKey as CryptoKey, jwk });
  };
  await addKey("key-1");

  return {
    url: `${base}/.well-known/jwks.json`,
    issuer: base,
    get fetches() {
      return state.fetches;
    },
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
    },
    addKey,
    async sign(claims, opts = {}) {
      const key = keys.find((k) => k.kid === (opts.kid ?? "key-1")) ?? (keys[0] as Key);
      const now = Math.floor(Date.now() / 1000);
      let jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? key.kid })
        .setIssuedAt(now)
        .setExpirationTime(now + (opts.expiresIn ?? 3600));
      if (opts.notBefore !== undefined) jwt = jwt.setNotBefore(now + opts.notBefore);
      return jwt.sign(key.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
