// The lab's own image CAPTCHA: page behaviour only (show a grid, toggle tiles, check the answer), as a
// real provider's widget would. What counts as labour (images labelled by object, rounds, the solve) is
// judged by the Rust core from what captcha.js reports, with the `digitus_lab` provider of
// data/captcha.json, exactly as for reCAPTCHA or hCaptcha.

const TILES = 9;

export function setupCaptcha(set, currentLanguage, text) {
  const check = document.getElementById("lab-captcha-check");
  const challenge = document.getElementById("lab-captcha-challenge");
  const grid = document.getElementById("lab-captcha-grid");
  const strong = document.querySelector("#lab-captcha-instructions strong");
  const error = document.getElementById("lab-captcha-error");
  const verify = document.getElementById("lab-captcha-verify");
  const done = document.getElementById("lab-captcha-done");
  let round = 0;
  let object = null;
  let answer = new Set();

  const pick = (list) => list[Math.floor(Math.random() * list.length)];

  function newRound() {
    object = set.objects[round % set.objects.length];
    round++;
    const others = [
      ...set.objects.filter((o) => o !== object).flatMap((o) => o.images.map((image) => ({ image, name: o }))),
      ...set.distractors.map((d) => ({ image: d.image, name: d })),
    ];
    const correct = 3 + Math.floor(Math.random() * 2);
    const places = new Set();
    while (places.size < correct) places.add(Math.floor(Math.random() * TILES));
    answer = places;
    const tiles = [];
    for (let i = 0; i < TILES; i++) {
      const item = places.has(i) ? { image: pick(object.images), name: object } : pick(others);
      const tile = document.createElement("button");
      tile.type = "button";
      tile.className = "lab-tile";
      tile.setAttribute("aria-pressed", "false");
      tile.dataset.index = String(i);
      const image = document.createElement("span");
      image.className = "tile-image";
      image.setAttribute("role", "img");
      image.dataset.name = JSON.stringify({ en: item.name.en, fr: item.name.fr });
      image.textContent = item.image;
      tile.append(image);
      tiles.push(tile);
    }
    grid.replaceChildren(...tiles);
    label();
  }

  /** Texts that follow the language: the object named, the tiles' accessible names. */
  function label() {
    const lang = currentLanguage();
    if (object) strong.textContent = object[lang];
    for (const tile of grid.querySelectorAll(".lab-tile")) {
      const n = Number(tile.dataset.index) + 1;
      const name = JSON.parse(tile.firstChild.dataset.name)[lang];
      tile.setAttribute("aria-label", `${text().image.replace("{n}", n)}: ${name}`);
    }
  }

  function open() {
    if (check.getAttribute("aria-checked") === "true" || !challenge.hidden) return;
    newRound();
    challenge.hidden = false;
    grid.querySelector(".lab-tile")?.focus();
  }

  check.addEventListener("click", open);
  check.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open();
    }
  });
  grid.addEventListener("click", (e) => {
    const tile = e.target.closest(".lab-tile");
    if (!tile) return;
    error.hidden = true;
    tile.setAttribute("aria-pressed", String(tile.getAttribute("aria-pressed") !== "true"));
  });
  verify.addEventListener("click", () => {
    const chosen = new Set([...grid.querySelectorAll(".lab-tile[aria-pressed=true]")].map((t) => Number(t.dataset.index)));
    const right = chosen.size === answer.size && [...answer].every((i) => chosen.has(i));
    if (right) {
      challenge.hidden = true;
      check.setAttribute("aria-checked", "true");
      done.hidden = false;
    } else {
      error.hidden = false;
      newRound();
    }
  });
  document.getElementById("lab-captcha-again").addEventListener("click", () => {
    done.hidden = true;
    check.setAttribute("aria-checked", "false");
    check.focus();
  });
  return { label, answer: () => [...answer] };
}
