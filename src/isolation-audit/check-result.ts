/** One whole-application check of the audit (manifest, allow-lists, database), with its verdict. */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}
