// Welcome page, opened once on install: plain words on what Digitus counts, keeps and never keeps.
import { localise, t } from "./i18n.js";

localise();
document.title = t("welcomeTitle");
