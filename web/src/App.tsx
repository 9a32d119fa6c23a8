// Top level: learns the auth mode from the server, keeps the session (AuthStore) and shows
// either the sign-in screen or the workspace. A 401 anywhere sends the person back here.

import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { messageOf } from "./api/errors";
import { Api } from "./api/http";
import type { AuthConfig } from "./api/types";
import { SignIn } from "./auth/SignIn";
import { hostedUiLogoutUrl, makeSession, tokenFromFragment } from "./auth/session";
import { AuthStore } from "./auth/store";
import { ErrorLine, Spinner } from "./ui/common";
import { Workspace } from "./Workspace";
import { clearMemory } from "./workspace-memory";

export function App() {
  const store = useMemo(() => new AuthStore(window.localStorage), []);
  const auth = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const api = useMemo(
    () => new Api({ getToken: store.token, onUnauthorized: store.expire }),
    [store],
  );
  const [config, setConfig] = useState<AuthConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      api.authConfig().then(
        (c) => {
          if (!live) return;
          setConfig(c);
          setConfigError(null);
          // Cognito hosted UI returns here with the tokens in the fragment.
          const fromUrl = tokenFromFragment(window.location.hash);
          if (c.mode === "cognito" && fromUrl) {
            store.signIn(
              makeSession(fromUrl.token, "cognito", { expiresInSeconds: fromUrl.expiresIn }),
            );
            history.replaceState(null, "", window.location.pathname + window.location.search);
          }
        },
        (err) => {
          if (!live) return;
          setConfigError(messageOf(err));
          setTimeout(() => live && void load(), 3000);
        },
      );
    void load();
    return () => {
      live = false;
    };
  }, [api, store]);

  if (config?.mode === "disabled") {
    return <Workspace api={api} session={null} authMode="disabled" onSignOut={null} />;
  }
  if (auth.status === "signed-in") {
    return (
      <Workspace
        api={api}
        session={auth.session}
        authMode={config?.mode ?? auth.session.mode}
        onSignOut={() => {
          clearMemory(window.localStorage);
          store.signOut();
          // The hosted UI keeps its own session; end it too, or the next sign-in is silent.
          const logout =
            config?.mode === "cognito" && config.cognito
              ? hostedUiLogoutUrl(config.cognito, `${window.location.origin}/`)
              : null;
          if (logout) window.location.assign(logout);
        }}
      />
    );
  }
  if (!config) {
    return (
      <main className="center-screen">
        <h1 className="brand">Code Remote</h1>
        <Spinner active={!configError} label="Connecting to the server…" />
        <ErrorLine message={configError} />
      </main>
    );
  }
  return (
    <SignIn api={api} config={config} notice={auth.notice} onSignedIn={(s) => store.signIn(s)} />
  );
}
