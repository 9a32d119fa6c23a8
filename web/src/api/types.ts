// Shapes of the server's HTTP + WebSocket contract (shared/API.md), as the UI reads them.

export type AuthMode = "local" | "cognito" | "disabled";

export interface CognitoConfig {
  region: string;
  user_pool_id: string;
  client_id: string;
  domain: string | null;
  /** Not in the contract: an IdP endpoint override (e.g. a local emulator). */
  endpoint?: string | null;
}

export interface AuthConfig {
  mode: AuthMode;
  cognito: CognitoConfig | null;
}

export interface User {
  id: string;
  email: string;
  username?: string | null;
}

export interface LoginResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

export interface SecurityViolation {
  type: string;
  /** 1-based */
  line: number;
  /** 0-based */
  column: number;
  message: string;
}

export interface Figure {
  mime_type: "image/png" | "image/svg+xml";
  /** base64 */
  data: string;
}

export interface ExecutionResponse {
  success: boolean;
  stdout: string;
  stderr: string;
  error: string | null;
  error_type: string | null;
  execution_time_ms: number;
  timed_out: boolean;
  security_violations: SecurityViolation[];
  truncated: boolean;
  /** Images the program showed, in order (absent from servers that predate figures). */
  figures?: Figure[];
}

export interface JobAccepted {
  job_id: string;
  status: string;
}

export interface ExecutionJob {
  job_id: string;
  status: "queued" | "running" | "completed" | "failed";
  result?: ExecutionResponse;
  created_at: string;
  finished_at?: string | null;
}

export interface MeasuredComplexity {
  time_complexity: string | null;
  space_complexity: string | null;
  points: { n: number; ops: number; peak_bytes: number }[];
  confidence: number;
  entry: string | null;
  reason?: string | null;
}

export interface AnalysisResult {
  success: boolean;
  time_complexity: string | null;
  space_complexity: string | null;
  narrative: string | null;
  error: string | null;
  available: boolean;
  model: string | null;
  /** The program run at growing sizes in the sandbox (absent from older servers). */
  measured?: MeasuredComplexity | null;
  /** Which source decided time_complexity. */
  method?: string;
}

export interface AnalysisStatus {
  available: boolean;
  provider: string | null;
}

export interface SnippetSummary {
  id: string;
  title: string | null;
  language: string;
  description: string | null;
  is_starred: boolean;
  execution_count: number;
  last_execution_at: string | null;
  time_complexity: string | null;
  space_complexity: string | null;
  created_at: string;
  updated_at: string;
}

export interface Snippet extends SnippetSummary {
  code: string;
}

export interface SnippetList {
  items: SnippetSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface SearchHit {
  snippet_id: string;
  title: string | null;
  language: string;
  description: string | null;
  time_complexity: string | null;
  space_complexity: string | null;
  score?: number | null;
}

export interface SearchResponse {
  query: string;
  results: SearchHit[];
  method: string;
  method_detail?: string;
  total: number;
}

export interface ComplexitySearchResponse {
  complexity_type: "time" | "space";
  complexity_value: string;
  results: SearchHit[];
  total: number;
}

export interface SimilarResponse {
  source_snippet_id: string;
  similar: SearchHit[];
  total: number;
}

/** Messages the server pushes over /ws. */
export type ServerMessage =
  | { type: "pong"; connection_id: string }
  | { type: "execution_output"; job_id: string; stream: "stdout" | "stderr"; data: string }
  | ({ type: "execution_result"; job_id: string } & ExecutionResponse)
  | ({ type: "execution_figure"; job_id: string } & Figure)
  | { type: "execution_input_request"; job_id: string; prompt: string }
  | { type: "analysis_stream_start"; job_id: string }
  | { type: "analysis_stream_chunk"; job_id: string; chunk: string }
  | { type: "analysis_stream_complete"; job_id: string; result: AnalysisResult }
  | { type: "analysis_stream_error"; job_id: string; error?: string; message?: string }
  | { type: "error"; message: string };
