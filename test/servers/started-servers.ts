/** What a test-server starter gives the global setup. */
export interface StartedServers {
  /** Env variables for the test workers (addresses, or AIOFS_TEST_<KIND>_UNAVAILABLE with a reason). */
  env: Record<string, string>;
  stop(): Promise<void>;
}
