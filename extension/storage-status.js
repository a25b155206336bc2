// Popup: shows a storage failure (a full disk) that the background met while recording, so that it is
// never silent. The background keeps the last failure until a write succeeds again (`{type: "status"}`).
import { ask, t } from "./i18n.js";

const el = document.getElementById("storage-error");
ask({ type: "status" })
  .then((status) => {
    el.hidden = !status.storage_error;
    if (status.storage_error) el.textContent = t("storageFull", status.storage_error);
  })
  .catch((e) => {
    el.hidden = false;
    el.textContent = t("storageFull", e.message);
  });
