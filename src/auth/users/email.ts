/**
 * The one form an email is stored, compared and throttled in: trimmed, NFKC (so fullwidth
 * `ＡＤＭＩＮ＠…` is `ADMIN@…`), then case-folded. JavaScript has no full case fold;
 * lower-casing and normalising again is its closest equivalent (NFKC_Casefold-like).
 */
export function normalizeEmail(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}
