// Starts GOV.UK Frontend's components (an ES module, so no inline script is needed),
// and gives a new visit its UUID in the browser, so a tablet can start one offline.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

initAll();

for (const input of document.querySelectorAll("input[data-visit-uuid]")) {
  if (!input.value && window.crypto?.randomUUID) {
    input.value = window.crypto.randomUUID();
  }
}
