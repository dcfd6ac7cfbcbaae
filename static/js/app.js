// Starts GOV.UK Frontend's components (an ES module, so no inline script is needed).
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

initAll();
