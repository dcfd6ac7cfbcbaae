// Starts GOV.UK Frontend's components (an ES module, so no inline script is needed),
// gives a new visit its UUID in the browser, so a tablet can start one offline, and
// shows the fields of the chosen radio only ([data-app-reveal]: the escalation's next step).
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
