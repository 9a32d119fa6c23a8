// The one HTTP client: adds the bearer token, parses the error envelope into ApiError,
// and reports a 401 on an authenticated call so the app can send the person to sign in.

import { ApiError, describeError } from "./errors";
import type {
  AnalysisResult,
  AnalysisStatus,
  AuthConfig,
  ComplexitySearchResponse,
  ExecutionJob,
  ExecutionResponse,
  JobAccepted,
  LoginResponse,
  RequestBody,
  SearchResponse,
  SimilarResponse,
  Snippet,
  SnippetList,
  User,
} from "./types";

export interface ApiOptions {
  baseUrl?: string;
  getToken: () => string | null;
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

/** POST /execute/async's body (POST /execute takes the same without connection_id and
 * interactive). */
export type RunRequest = RequestBody<"/execute/async", "post">;

export type SnippetPatch = RequestBody<"/snippets/{id}", "put">;

export class Api {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: ApiOptions) {
    this.base = opts.baseUrl ?? "";
    this.fetchImpl = opts.fetchImpl ?? fetch.bind(globalThis);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    init: { auth?: boolean; signal?: AbortSignal } = {},
  ): Promise<T> {
    const auth = init.auth ?? true;
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const token = auth ? this.opts.getToken() : null;
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: init.signal,
      });
    } catch (err) {
      if (err instanceof Error && err.name === "AbortError") throw err;
      const d = describeError(0, null);
      throw new ApiError(0, d.code, d.message);
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!res.ok) {
      const ra = Number(res.headers.get("retry-after"));
      const d = describeError(res.status, parsed, Number.isFinite(ra) && ra > 0 ? ra : null);
      if (res.status === 401 && auth && token) this.opts.onUnauthorized?.();
      throw new ApiError(res.status, d.code, d.message, d.violations);
    }
    return parsed as T;
  }

  // auth
  authConfig() {
    return this.request<AuthConfig>("GET", "/auth/config", undefined, { auth: false });
  }
  register(email: string, password: string, username?: string) {
    const body = username ? { email, password, username } : { email, password };
    return this.request<User>("POST", "/auth/register", body, { auth: false });
  }
  login(email: string, password: string) {
    return this.request<LoginResponse>("POST", "/auth/login", { email, password }, { auth: false });
  }
  me() {
    return this.request<User>("GET", "/auth/me");
  }

  // execution
  execute(req: RunRequest, signal?: AbortSignal) {
    const { connection_id: _ignored, interactive: _sync, ...body } = req;
    return this.request<ExecutionResponse>("POST", "/execute", body, { signal });
  }
  executeAsync(req: RunRequest) {
    return this.request<JobAccepted>("POST", "/execute/async", req);
  }
  cancelExecution(jobId: string) {
    return this.request<ExecutionJob>("POST", `/executions/${encodeURIComponent(jobId)}/cancel`);
  }
  execution(jobId: string) {
    return this.request<ExecutionJob>("GET", `/executions/${encodeURIComponent(jobId)}`);
  }

  // analysis
  analyze(code: string, snippetId?: string) {
    return this.request<AnalysisResult>("POST", "/analyze", withSnippet({ code }, snippetId));
  }
  analyzeAsync(code: string, connectionId: string, snippetId?: string) {
    return this.request<JobAccepted>(
      "POST",
      "/analyze/async",
      withSnippet({ code, connection_id: connectionId }, snippetId),
    );
  }
  analysisStatus() {
    return this.request<AnalysisStatus>("GET", "/analyze/status", undefined, { auth: false });
  }

  // snippets
  listSnippets(limit = 100) {
    return this.request<SnippetList>("GET", `/snippets?limit=${limit}&offset=0`);
  }
  getSnippet(id: string) {
    return this.request<Snippet>("GET", `/snippets/${encodeURIComponent(id)}`);
  }
  createSnippet(body: SnippetPatch & { code: string }) {
    return this.request<Snippet>("POST", "/snippets", { language: "python", ...body });
  }
  updateSnippet(id: string, patch: SnippetPatch) {
    return this.request<Snippet>("PUT", `/snippets/${encodeURIComponent(id)}`, patch);
  }
  deleteSnippet(id: string) {
    return this.request<{ deleted: boolean; id: string }>(
      "DELETE",
      `/snippets/${encodeURIComponent(id)}`,
    );
  }
  toggleStar(id: string) {
    return this.request<Snippet>("POST", `/snippets/${encodeURIComponent(id)}/star`);
  }

  // search
  search(q: string, limit = 10) {
    return this.request<SearchResponse>("GET", `/search?q=${encodeURIComponent(q)}&limit=${limit}`);
  }
  searchComplexity(complexity: string, type: "time" | "space", limit = 20) {
    return this.request<ComplexitySearchResponse>(
      "GET",
      `/search/complexity?complexity=${encodeURIComponent(complexity)}&type=${type}&limit=${limit}`,
    );
  }
  similar(id: string, limit = 5) {
    return this.request<SimilarResponse>(
      "GET",
      `/search/similar/${encodeURIComponent(id)}?limit=${limit}`,
    );
  }
}

function withSnippet<T extends object>(body: T, snippetId?: string): T & { snippet_id?: string } {
  return snippetId ? { ...body, snippet_id: snippetId } : body;
}
