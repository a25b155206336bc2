// Every visible text of the lab and the board, in English and French. The reveal's figures carry their
// sources here, next to the sentence that uses them, so a figure never travels without its source.
export const TEXT = {
  en: {
    title: "Digitus lab — the work in your clicks", skip: "Skip to the exercises",
    lede: "Every like, star, tag, report and CAPTCHA is a micro-task that trains or feeds a platform's machines. Do here what you do every day online, and watch the meter.",
    lang: "Français", projector: "Large type", theme: "Dark / light", reveal: "Reveal: who pays for this?", backToLab: "Back to the lab",
    classLabel: "Class code", join: "Join", joined: "In class {code}: your counts go to the board, anonymously.", classGone: "Class {code} is closed or unknown.", classOffline: "Class {code}: the board is out of reach, counts will be sent when it is back.", joinHint: "No name is asked; only counts leave this page.",
    feedTitle: "Your feed", feedHint: "Like what you like, hide what you don't, report what breaks the rules.",
    posts: ["Robots are waiting for your clicks", "Who labels the images self-driving cars learn from?", "Ten photos of sunsets you will not believe", "A cat meets a vacuum cleaner"],
    like: "Like", share: "Share", notInterested: "Not interested", report: "Report post", likes: "likes",
    shopTitle: "The shop", shopHint: "Rate the products you bought.", products: ["Wireless headphones", "A paperback: En attendant les robots", "Garden hose, 20 m"], rate: "Rate {n} out of 5", yourRating: "Your rating",
    photosTitle: "Photos", photosHint: "Tag what you see (type a word, press Enter).", tagPlaceholder: "Add a tag", photos: ["A market street", "A beach", "A farm"],
    recsTitle: "Recommended for you", recsHint: "Tell the recommender what you don't want.", recs: ["10 hours of rain sounds", "Top 50 goals of the season", "How to fold a fitted sheet"], dontRecommend: "Don't recommend channel",
    captchaTitle: "Prove you are human", captchaHint: "An image CAPTCHA, as on many sign-up pages.", robot: "I'm not a robot", selectAll: "Select all images with", verify: "Verify", tryAgain: "Please try again.", solved: "Verified. Thank you for the labels.", image: "Image {n}", another: "Another CAPTCHA",
    reviewTitle: "Write a review", reviewHint: "Reviews are counted in words; the text never leaves this page.", publish: "Publish",
    meterTitle: "Your unpaid work here", microTasks: "micro-tasks", timeLab: "time in the lab", timeWork: "time on the tasks", labels: "CAPTCHA images labelled", valuationsTitle: "What it would be worth",
    valuationsNone: "The valuations appear here once you have done some work.", never: "Counted by the same Rust core as the Digitus extension: a like undone is taken back, a changed rating replaces the first, clicks scripted by the page never count. Nothing leaves this page unless you join a class (then only counts).",
    installTitle: "Keep counting everywhere", install: "The Digitus extension counts your own work across the web and keeps it on your computer.", sums: "SHA-256 sums",
    kinds: { like: "likes", rating: "ratings", tag: "tags", report: "reports", feedback: "feedback", review: "reviews", captcha: "CAPTCHAs" },
    boardTitle: "Class board", boardLede: "Live, anonymous totals of the class's unpaid work.", create: "Start a class", codeIs: "Class code", joinAt: "Students open {url} and type the code.", students: "students", events: "micro-tasks", exportCsv: "Export CSV", close: "Close the class", closed: "This class is closed: everything it held is forgotten.", chartTitle: "Micro-tasks over time", chartLabel: "Micro-tasks done by the class since the start", minutes: "min", boardNoClass: "Start a class to get a code for your students.", confirmClose: "Close the class? Its totals will be forgotten (export them first if you want to keep them).",
  },
  fr: {
    title: "Labo Digitus — le travail de vos clics", skip: "Aller aux exercices",
    lede: "Chaque j'aime, étoile, tag, signalement et CAPTCHA est une micro-tâche qui entraîne ou nourrit les machines d'une plateforme. Faites ici ce que vous faites chaque jour en ligne, et regardez le compteur.",
    lang: "English", projector: "Grands caractères", theme: "Sombre / clair", reveal: "Révéler : qui paie pour ça ?", backToLab: "Retour au labo",
    classLabel: "Code de la classe", join: "Rejoindre", joined: "Dans la classe {code} : vos comptes vont au tableau, anonymement.", classGone: "La classe {code} est fermée ou inconnue.", classOffline: "Classe {code} : le tableau est injoignable, les comptes partiront à son retour.", joinHint: "Aucun nom n'est demandé ; seuls des comptes quittent cette page.",
    feedTitle: "Votre fil", feedHint: "Aimez ce qui vous plaît, masquez le reste, signalez ce qui enfreint les règles.",
    posts: ["Les robots attendent vos clics", "Qui étiquette les images dont apprennent les voitures autonomes ?", "Dix couchers de soleil incroyables", "Un chat rencontre un aspirateur"],
    like: "J'aime", share: "Partager", notInterested: "Pas intéressé", report: "Signaler la publication", likes: "j'aime",
    shopTitle: "La boutique", shopHint: "Notez les produits achetés.", products: ["Casque sans fil", "Un livre de poche : En attendant les robots", "Tuyau d'arrosage, 20 m"], rate: "Noter {n} sur 5", yourRating: "Votre note",
    photosTitle: "Photos", photosHint: "Taguez ce que vous voyez (un mot, puis Entrée).", tagPlaceholder: "Ajouter un tag", photos: ["Une rue de marché", "Une plage", "Une ferme"],
    recsTitle: "Recommandé pour vous", recsHint: "Dites à l'algorithme ce que vous ne voulez pas.", recs: ["10 heures de bruit de pluie", "Les 50 plus beaux buts de la saison", "Comment plier un drap-housse"], dontRecommend: "Ne pas recommander la chaîne",
    captchaTitle: "Prouvez que vous êtes humain", captchaHint: "Un CAPTCHA à images, comme sur beaucoup de pages d'inscription.", robot: "Je ne suis pas un robot", selectAll: "Sélectionnez toutes les images avec", verify: "Valider", tryAgain: "Veuillez réessayer.", solved: "Vérifié. Merci pour les étiquettes.", image: "Image {n}", another: "Un autre CAPTCHA",
    reviewTitle: "Écrire un avis", reviewHint: "Les avis sont comptés en mots ; le texte ne quitte jamais cette page.", publish: "Publier",
    meterTitle: "Votre travail non payé ici", microTasks: "micro-tâches", timeLab: "temps dans le labo", timeWork: "temps sur les tâches", labels: "images de CAPTCHA étiquetées", valuationsTitle: "Ce que cela vaudrait",
    valuationsNone: "Les valorisations apparaissent ici dès que vous avez travaillé.", never: "Compté par le même cœur Rust que l'extension Digitus : un j'aime retiré est décompté, une note changée remplace la première, les clics simulés par la page ne comptent jamais. Rien ne quitte cette page, sauf si vous rejoignez une classe (alors seulement des comptes).",
    installTitle: "Continuer à compter partout", install: "L'extension Digitus compte votre propre travail sur tout le web et le garde sur votre ordinateur.", sums: "Empreintes SHA-256",
    kinds: { like: "j'aime", rating: "notes", tag: "tags", report: "signalements", feedback: "avis aux algorithmes", review: "avis écrits", captcha: "CAPTCHA" },
    boardTitle: "Tableau de la classe", boardLede: "Les totaux en direct, anonymes, du travail non payé de la classe.", create: "Ouvrir une classe", codeIs: "Code de la classe", joinAt: "Les élèves ouvrent {url} et saisissent le code.", students: "élèves", events: "micro-tâches", exportCsv: "Exporter en CSV", close: "Fermer la classe", closed: "Cette classe est fermée : tout ce qu'elle contenait est oublié.", chartTitle: "Micro-tâches au fil du temps", chartLabel: "Micro-tâches faites par la classe depuis le début", minutes: "min", boardNoClass: "Ouvrez une classe pour obtenir un code à donner aux élèves.", confirmClose: "Fermer la classe ? Ses totaux seront oubliés (exportez-les d'abord pour les garder).",
  },
};

// The reveal: who buys such labels and what for, what micro-workers are paid, click-farm rates. Each
// figure with its source (the original publication, as far as it could be checked).
export const REVEAL = {
  en: {
    title: "Who pays for this work, and who is paid for it",
    intro: "You were paid 0 euro. Antonio Casilli calls users' pay “0 euro or almost”; the same micro-tasks are bought from workers around the world.",
    sections: [
      { title: "Who buys such labels, and what for", items: [
        { what: "Recommendation", text: "Likes, ratings and “not interested” are the training data of recommender systems. When Netflix replaced stars with thumbs, it got 200% more ratings.", source: "Todd Yellin (Netflix), quoted in the press, April 2017" },
        { what: "Moderation", text: "A report is moderation work. Facebook's outsourced moderators in Kenya were paid as little as $1.50 an hour; in the United States, about $15 an hour.", source: "Billy Perrigo, “Inside Facebook's African Sweatshop”, TIME, 14 Feb 2022; Casey Newton, “The Trauma Floor”, The Verge, 25 Feb 2019" },
        { what: "Self-driving cars and image recognition", text: "Image CAPTCHAs ask for traffic lights, buses, crosswalks: street scenes that vision systems learn from. reCAPTCHA alone took an estimated 819 million hours of human time (2010–2023). Paid labellers in Kenya earned $1–3 an hour in 2023.", source: "Searles, Prapty, Tsudik, “Dazed & Confused: A Large-Scale Real-World User Study of reCAPTCHAv2”, arXiv:2311.10911, 2023; Josh Dzieza, “AI Is a Lot of Work”, The Verge, June 2023" },
        { what: "Translation and digitisation", text: "reCAPTCHA's first version had people transcribe 440 million words of scanned books in its first year; Google Translate's community had over a million contributors by 2015.", source: "von Ahn et al., “reCAPTCHA: Human-Based Character Recognition via Web Security Measures”, Science 321:1465, 2008; Google blog, 2015" },
      ] },
      { title: "What micro-workers are paid", items: [
        { what: "France", text: "About 260,000 people do micro-work in France, earning on average about €21 a month from it. The same micro-task is paid “a few tens of cents, even a few euros” there.", source: "Casilli, Tubaro et al., “Le micro-travail en France”, DiPLab, 2019; Casilli, En attendant les robots, Seuil, 2019" },
        { what: "Madagascar", text: "The same task is paid “less than one cent”. The legal minimum wage is 262,680 ariary a month, about €0.30 an hour.", source: "Casilli, En attendant les robots, 2019; décret n° 2024-794 (Madagascar); conversion at 4,993 MGA/€, Feb 2026 (derived)" },
        { what: "Worldwide", text: "On Amazon Mechanical Turk the median worker earned about $2 an hour; the ILO found $4.43 an hour paid, $3.31 counting unpaid time.", source: "Hara et al., CHI 2018; Berg et al., “Digital labour platforms and the future of work”, ILO, 2018" },
      ] },
      { title: "Click farms", items: [
        { what: "Likes by the thousand", text: "1,000 likes sold for $15 from a click farm in Dhaka.", source: "Channel 4 Dispatches, reported by The Guardian, 2013" },
        { what: "Per click", text: "Click-farm workers are paid as little as €0.0001 a click.", source: "Antonio Casilli, interview, 20 Minutes, 11 Feb 2019" },
        { what: "A test purchase", text: "€300 bought 3,530 comments, 25,750 likes, 20,000 views and 5,100 followers.", source: "NATO StratCom Centre of Excellence experiment, Dec 2019" },
        { what: "Micro-clicks for hire", text: "A YouTube vote paid $0.10, a follow $0.12, five photos $0.39.", source: "Le Monde, 21 Nov 2021 (RapidWorkers)" },
      ] },
    ],
    questions: "Questions for the class", questionList: ["Who earns money from the labels you made today?", "Why is the same click worth €0 from you, a fraction of a cent in Madagascar, and tens of cents in France?", "Is a like work? Is a CAPTCHA?", "What would change if platforms had to pay for it?"],
  },
  fr: {
    title: "Qui paie pour ce travail, et qui est payé pour le faire",
    intro: "Vous avez été payé 0 euro. Antonio Casilli parle d'usagers payés « 0 euro ou presque » ; les mêmes micro-tâches sont achetées à des travailleurs du monde entier.",
    sections: [
      { title: "Qui achète ces étiquettes, et pour quoi faire", items: [
        { what: "Recommandation", text: "Les j'aime, notes et « pas intéressé » sont les données d'entraînement des systèmes de recommandation. Quand Netflix a remplacé les étoiles par des pouces, il a obtenu 200 % de notes en plus.", source: "Todd Yellin (Netflix), cité par la presse, avril 2017" },
        { what: "Modération", text: "Un signalement est un travail de modération. Les modérateurs sous-traités de Facebook au Kenya étaient payés à peine 1,50 $ de l'heure ; aux États-Unis, environ 15 $ de l'heure.", source: "Billy Perrigo, « Inside Facebook's African Sweatshop », TIME, 14 févr. 2022 ; Casey Newton, « The Trauma Floor », The Verge, 25 févr. 2019" },
        { what: "Voitures autonomes et reconnaissance d'images", text: "Les CAPTCHA à images demandent des feux, des bus, des passages piétons : des scènes de rue dont apprennent les systèmes de vision. reCAPTCHA seul aurait pris 819 millions d'heures de temps humain (2010–2023). Des annotateurs payés au Kenya gagnaient 1 à 3 $ de l'heure en 2023.", source: "Searles, Prapty, Tsudik, « Dazed & Confused », arXiv:2311.10911, 2023 ; Josh Dzieza, « AI Is a Lot of Work », The Verge, juin 2023" },
        { what: "Traduction et numérisation", text: "La première version de reCAPTCHA a fait transcrire 440 millions de mots de livres numérisés en un an ; la communauté de Google Traduction comptait plus d'un million de contributeurs en 2015.", source: "von Ahn et al., Science 321:1465, 2008 ; blog de Google, 2015" },
      ] },
      { title: "Ce que gagnent les micro-travailleurs", items: [
        { what: "France", text: "Environ 260 000 personnes font du micro-travail en France, pour environ 21 € par mois en moyenne. La même micro-tâche y est payée « quelques dizaines de centimes, voire quelques euros ».", source: "Casilli, Tubaro et al., « Le micro-travail en France », DiPLab, 2019 ; Casilli, En attendant les robots, Seuil, 2019" },
        { what: "Madagascar", text: "La même tâche y est payée « moins d'un centime ». Le salaire minimum légal est de 262 680 ariary par mois, environ 0,30 € de l'heure.", source: "Casilli, En attendant les robots, 2019 ; décret n° 2024-794 (Madagascar) ; conversion à 4 993 MGA/€, févr. 2026 (calcul)" },
        { what: "Dans le monde", text: "Sur Amazon Mechanical Turk, le travailleur médian gagnait environ 2 $ de l'heure ; l'OIT a mesuré 4,43 $ de l'heure payés, 3,31 $ en comptant le temps non payé.", source: "Hara et al., CHI 2018 ; Berg et al., « Digital labour platforms and the future of work », OIT, 2018" },
      ] },
      { title: "Les fermes à clics", items: [
        { what: "Des j'aime au mille", text: "1 000 j'aime vendus 15 $ par une ferme à clics de Dacca.", source: "Channel 4 Dispatches, rapporté par The Guardian, 2013" },
        { what: "Au clic", text: "Les travailleurs des fermes à clics sont payés jusqu'à 0,0001 € le clic.", source: "Antonio Casilli, entretien, 20 Minutes, 11 févr. 2019" },
        { what: "Un achat test", text: "300 € ont acheté 3 530 commentaires, 25 750 j'aime, 20 000 vues et 5 100 abonnés.", source: "Expérience du Centre d'excellence StratCom de l'OTAN, déc. 2019" },
        { what: "Micro-clics à louer", text: "Un vote YouTube payé 0,10 $, un abonnement 0,12 $, cinq photos 0,39 $.", source: "Le Monde, 21 nov. 2021 (RapidWorkers)" },
      ] },
    ],
    questions: "Questions pour la classe", questionList: ["Qui gagne de l'argent avec les étiquettes que vous avez faites aujourd'hui ?", "Pourquoi le même clic vaut-il 0 € venant de vous, une fraction de centime à Madagascar, et des dizaines de centimes en France ?", "Un j'aime, est-ce du travail ? Et un CAPTCHA ?", "Qu'est-ce qui changerait si les plateformes devaient le payer ?"],
  },
};

/** A text with `{name}` placeholders filled. */
export function fill(text, values = {}) {
  return text.replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ""));
}

/** The language to start in: the saved choice, else the browser's. */
export function startLanguage() {
  const saved = localStorage.getItem("digitus-lang");
  if (saved === "en" || saved === "fr") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en";
}

// Names for the valuation engine's methods and contrasts (its data file is in English only).
export const VALUE_TEXT = {
  en: {
    methods: { market: "Market price of the same acts", wage: "Your time at the minimum wage", revenue: "Share of platform revenue" },
    explain: { market: "What a platform pays a micro-worker or a solving service for each act.", wage: "The time spent, paid at France's minimum wage (SMIC).", revenue: "" },
    noPlatform: "The lab is not a platform: no revenue to share here. On real sites, the extension computes it.",
    sources: "Sources",
    sameActs: "The same acts, at the rates of Casilli's examples:",
    contrasts: { "contrast.france_microtask": "as micro-work in France", "contrast.madagascar_microtask": "as micro-work in Madagascar", "contrast.click_farm": "in a click farm", "contrast.users_paid": "what you were paid" },
  },
  fr: {
    methods: { market: "Prix de marché des mêmes actes", wage: "Votre temps au salaire minimum", revenue: "Part du revenu des plateformes" },
    explain: { market: "Ce qu'une plateforme paie à un micro-travailleur ou un service de résolution pour chaque acte.", wage: "Le temps passé, payé au SMIC.", revenue: "" },
    noPlatform: "Le labo n'est pas une plateforme : pas de revenu à partager ici. Sur les vrais sites, l'extension le calcule.",
    sources: "Sources",
    sameActs: "Les mêmes actes, aux tarifs des exemples de Casilli :",
    contrasts: { "contrast.france_microtask": "en micro-travail en France", "contrast.madagascar_microtask": "en micro-travail à Madagascar", "contrast.click_farm": "dans une ferme à clics", "contrast.users_paid": "ce que vous avez été payé" },
  },
};
