// Fills every [data-i18n] element's text (and [data-i18n-title] titles) from _locales, so pages follow
// the browser's language (English and French bundled).
const api = globalThis.browser ?? globalThis.chrome;

export function t(key, ...subs) {
  return api.i18n.getMessage(key, subs.map(String)) || key;
}

export function localise(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.documentElement.lang = api.i18n.getUILanguage().split("-")[0];
}

/** A refusal from the background: the sentence as `message`, the machine-readable `code` to act on. */
export class CoreError extends Error {
  constructor(answer) {
    super(answer.error);
    this.code = answer.code;
  }
}

/** Sends a query to the background (the Rust core); throws a CoreError for a refusal. */
export async function ask(message) {
  const answer = await api.runtime.sendMessage(message);
  if (answer?.error) throw new CoreError(answer);
  return answer;
}

let vocabulary;
/** What the core says pages must not repeat: `{kinds, delete_confirmation, min_retention_days}`. */
export function coreVocabulary() {
  return (vocabulary ??= ask({ type: "vocabulary" }));
}

export function formatNumber(n) {
  return new Intl.NumberFormat(api.i18n.getUILanguage()).format(n);
}
