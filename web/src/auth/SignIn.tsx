// Sign in / create an account. Local mode talks to /auth/login and /auth/register;
// Cognito mode redirects to the hosted UI, or signs in with the pool's password flow.

import { type FormEvent, useState } from "react";
import { messageOf } from "../api/errors";
import type { Api } from "../api/http";
import type { AuthConfig } from "../api/types";
import { ErrorLine, Spinner } from "../ui/common";
import { cognitoPasswordSignIn } from "./cognito";
import { hostedUiLoginUrl, makeSession, type Session } from "./session";

interface Props {
  api: Api;
  config: AuthConfig;
  notice: string | null;
  onSignedIn: (s: Session) => void;
}

export function SignIn({ api, config, notice, onSignedIn }: Props) {
  const [tab, setTab] = useState<"in" | "up">("in");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [username, setUsername] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const cognito = config.mode === "cognito" ? config.cognito : null;
  const hosted = cognito ? hostedUiLoginUrl(cognito, `${window.location.origin}/`) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (cognito) {
        const t = await cognitoPasswordSignIn(cognito, email, password);
        onSignedIn(makeSession(t.idToken, "cognito", { expiresInSeconds: t.expiresIn }));
        return;
      }
      if (tab === "up") await api.register(email, password, username.trim() || undefined);
      const res = await api.login(email, password);
      onSignedIn(
        makeSession(res.access_token, "local", { email, expiresInSeconds: res.expires_in }),
      );
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const signingUp = tab === "up" && !cognito;
  return (
    <main className="center-screen">
      <div className="auth-card">
        <h1 className="brand">Code Remote</h1>
        <p className="muted">Write, run and analyse Python in a secure sandbox.</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {hosted && (
          <p>
            <a className="button primary wide" href={hosted}>
              Sign in with Cognito
            </a>
          </p>
        )}
        {!cognito && (
          <fieldset className="tabs">
            <legend className="visually-hidden">Choose sign in or create account</legend>
            <button type="button" aria-pressed={tab === "in"} onClick={() => setTab("in")}>
              Sign in
            </button>
            <button type="button" aria-pressed={tab === "up"} onClick={() => setTab("up")}>
              Create account
            </button>
          </fieldset>
        )}
        {(!hosted || !cognito) && (
          <form
            onSubmit={submit}
            className="stack"
            aria-label={signingUp ? "Create account" : "Sign in"}
          >
            <label>
              {cognito ? "Username or email" : "Email"}
              <input
                type={cognito ? "text" : "email"}
                name="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </label>
            {signingUp && (
              <label>
                Username (optional)
                <input
                  name="username"
                  autoComplete="nickname"
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                />
              </label>
            )}
            <label>
              Password
              <input
                type="password"
                name="password"
                autoComplete={signingUp ? "new-password" : "current-password"}
                required
                minLength={signingUp ? 8 : undefined}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <button type="submit" className="primary" disabled={busy}>
              {signingUp ? "Create account" : "Sign in"}
            </button>
            <Spinner active={busy} label={signingUp ? "Creating your account…" : "Signing in…"} />
            <ErrorLine message={error} />
          </form>
        )}
      </div>
    </main>
  );
}
