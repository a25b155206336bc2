// The classroom demo: the practice widgets below behave like real sites' controls, and the same sensor
// and Rust core as the extension count the work done on them, in this page's memory only.
import init, { demo_message } from "/pkg/pages.js";

const TEXT = {
  en: {
    lede: "Every like, star, tag and report is a micro-task that trains a platform's machines — paid nothing, while the same task is paid cents on micro-work sites. Try it: do what you do every day on this page, and watch the count.",
    feedTitle: "A feed like any other", feedHint: "Like, rate, tag, report, comment. Nothing leaves this page.",
    post1: "Robots are waiting for your clicks", post2: "Who labels the images self-driving cars learn from?", product: "A product to rate and tag",
    like: "Like", share: "Share", notInterested: "Not interested", report: "Report post",
    tagLabel: "Tags:", commentLabel: "Write a review", post: "Publish",
    panelTitle: "Your unpaid work on this page", microTasks: "micro-tasks",
    why: "Counted by the same rules as the Digitus extension: a like undone is taken back, a rating changed replaces the first, clicks made by the page's own scripts never count.",
    installTitle: "Keep counting everywhere", install: "Install the extension to see your own work across the web; it keeps everything on your computer.",
    kinds: { like: "likes", rating: "ratings", tag: "tags", report: "reports", feedback: "feedback", review: "reviews", captcha: "CAPTCHAs" },
  },
  fr: {
    lede: "Chaque j'aime, étoile, tag ou signalement est une micro-tâche qui entraîne les machines d'une plateforme — payée zéro, quand la même tâche est payée quelques centimes sur les sites de micro-travail. Essayez : faites ici ce que vous faites chaque jour, et regardez le compte.",
    feedTitle: "Un fil comme les autres", feedHint: "Aimez, notez, taguez, signalez, commentez. Rien ne quitte cette page.",
    post1: "Les robots attendent vos clics", post2: "Qui étiquette les images dont apprennent les voitures autonomes ?", product: "Un produit à noter et à taguer",
    like: "J'aime", share: "Partager", notInterested: "Pas intéressé", report: "Signaler",
    tagLabel: "Tags :", commentLabel: "Écrire un avis", post: "Publier",
    panelTitle: "Votre travail non payé sur cette page", microTasks: "micro-tâches",
    why: "Compté par les mêmes règles que l'extension Digitus : un j'aime retiré est décompté, une note changée remplace la première, les clics faits par les scripts de la page ne comptent jamais.",
    installTitle: "Continuer à compter partout", install: "Installez l'extension pour voir votre propre travail sur tout le web ; elle garde tout sur votre ordinateur.",
    kinds: { like: "j'aime", rating: "notes", tag: "tags", report: "signalements", feedback: "avis aux algorithmes", review: "commentaires", captcha: "CAPTCHA" },
  },
};
let lang = (navigator.language || "en").startsWith("fr") ? "fr" : "en";

function applyLanguage() {
  const t = TEXT[lang];
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t[el.dataset.t];
  for (const el of document.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t[el.dataset.tLabel]);
  refresh();
}

async function ask(message) {
  const answer = await demo_message(message, location.href);
  if (answer?.error) throw new Error(answer.error);
  return answer;
}

async function refresh() {
  const summary = await ask({ type: "summary" });
  document.getElementById("total").textContent = String(summary.events);
  const names = TEXT[lang].kinds;
  document.getElementById("kinds").replaceChildren(
    ...Object.keys(names).map((kind) => {
      const li = document.createElement("li");
      li.className = "kind";
      li.dataset.kind = kind;
      const count = document.createElement("output");
      count.className = "count";
      count.textContent = String(summary.kinds[kind] ?? 0);
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = names[kind];
      li.append(count, name);
      return li;
    }),
  );
}

// Page behaviour, as a real site would have it.
for (const like of document.querySelectorAll(".like")) {
  like.addEventListener("click", () => setTimeout(() => like.setAttribute("aria-pressed", String(like.getAttribute("aria-pressed") !== "true")), 120));
}
const stars = [...document.querySelectorAll(".stars [role=radio]")];
stars.forEach((star, i) => {
  const choose = () => stars.forEach((s, j) => { s.setAttribute("aria-checked", String(j === i)); s.classList.toggle("lit", j <= i); });
  star.addEventListener("click", choose);
  star.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(); } });
});
document.getElementById("tag-input").addEventListener("keydown", (e) => {
  if ((e.key === "Enter" || e.key === ",") && e.target.value.trim()) {
    e.preventDefault();
    const li = document.createElement("li");
    li.textContent = e.target.value.trim();
    document.getElementById("chips").append(li);
    setTimeout(() => { e.target.value = ""; }, 0);
  }
});
document.getElementById("comment-form").addEventListener("submit", (e) => {
  e.preventDefault();
  setTimeout(() => { document.getElementById("comment").value = ""; }, 0);
});
document.getElementById("lang").addEventListener("click", () => { lang = lang === "fr" ? "en" : "fr"; applyLanguage(); });

await init({ module_or_path: "/pkg/pages_bg.wasm" });
// The sensor sends its observations here instead of to an extension background.
globalThis.__digitusTransport = async (message) => {
  const answer = await ask(message);
  setTimeout(refresh, 0);
  return answer;
};
// The extension's content scripts, in the manifest's order (plumbing first). Counts show only once the
// sensor listens, so no early click goes unseen.
for (const src of ["/common.js", "/sensor.js"]) {
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}
applyLanguage();
