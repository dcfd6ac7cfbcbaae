// Starts GOV.UK Frontend's components (an ES module, so no inline script is needed),
// gives a new visit its UUID in the browser, so a tablet can start one offline, shows
// the fields of the chosen radio only ([data-app-reveal]: the escalation's next step), and
// warns before leaving a visit's form with unsaved changes ([data-warn-unsaved]).
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

initAll();

for (const input of document.querySelectorAll("input[data-visit-uuid]")) {
  if (!input.value && window.crypto?.randomUUID) {
    input.value = window.crypto.randomUUID();
  }
}

for (const group of document.querySelectorAll("[data-app-reveal]")) {
  const inputs = [...group.querySelectorAll("input[type=radio]")];
  const reveal = () => {
    for (const input of inputs) {
      const target = input.dataset.reveal && document.getElementById(input.dataset.reveal);
      target?.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  };
  group.addEventListener("change", reveal);
  reveal();
}

// After the UUID is filled in, so that the start form is not "changed" by it. Loaded only
// where a form asks for it, and apart from this module: were it missing (a page of the
// offline shell), the rest of this file must still run.
const watched = document.querySelectorAll("form[data-warn-unsaved]");
if (watched.length) {
  import("/static/js/unsaved-changes.js")
    .then(({ watchForm }) => watched.forEach((form) => watchForm(form)))
    .catch(() => {});
}
