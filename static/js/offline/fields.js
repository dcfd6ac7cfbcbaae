// GOV.UK Frontend markup for the visit form drawn in the browser, so that it looks like
// the server's pages: inputs, text areas, radios, an error message beside each field and
// the error summary. Every field is named by its key (the API's field path, or
// criterion.QE1 for a judgement), which is also how errors find it.
import { el } from "./page.js";

const safe = (key) => key.replace(/[^A-Za-z0-9_-]/g, "-");

/** The id of the field with this key (the error summary links to it). */
export const fieldId = (key) => `f-${safe(key)}`;

/** A form group: its error message (if any) then its parts. */
function group(key, error, ...parts) {
  const message = error ? el("p", { class: "govuk-error-message", id: `${fieldId(key)}-error` }, el("span", { class: "govuk-visually-hidden", text: "Error: " }), error) : "";
  return el("div", { class: `govuk-form-group${error ? " govuk-form-group--error" : ""}`, "data-field": key }, ...parts.slice(0, 2), message, ...parts.slice(2));
}

/** The aria-describedby of a field with a hint and/or an error. */
function described(key, hint, error) {
  return [hint && `${fieldId(key)}-hint`, error && `${fieldId(key)}-error`].filter(Boolean).join(" ") || null;
}

/** A labelled text input. */
export function input(key, { label, hint = "", value = "", error = "", type = "text", width = "govuk-input--width-10", attrs = {} }) {
  return group(
    key,
    error,
    el("label", { class: "govuk-label", for: fieldId(key), text: label }),
    hint ? el("div", { class: "govuk-hint", id: `${fieldId(key)}-hint`, text: hint }) : "",
    el("input", { class: `govuk-input ${width}${error ? " govuk-input--error" : ""}`, id: fieldId(key), name: key, type, value, "aria-describedby": described(key, hint, error), ...attrs }),
  );
}

/** A labelled text area. */
export function textarea(key, { label, hint = "", value = "", error = "", rows = 3, labelClass = "" }) {
  const area = el("textarea", { class: `govuk-textarea${error ? " govuk-textarea--error" : ""}`, id: fieldId(key), name: key, rows, "aria-describedby": described(key, hint, error) });
  area.value = value;
  return group(
    key,
    error,
    el("label", { class: `govuk-label ${labelClass}`.trim(), for: fieldId(key), text: label }),
    hint ? el("div", { class: "govuk-hint", id: `${fieldId(key)}-hint`, text: hint }) : "",
    area,
  );
}

/** Radios in a fieldset; `choices` are the bundle's [{code, label}]. */
export function radios(key, { legend, hint = "", choices, value = "", error = "", inline = true, legendClass = "govuk-fieldset__legend--s" }) {
  const items = choices.map(({ code, label }) => {
    const id = `${fieldId(key)}-${safe(code)}`;
    return el("div", { class: "govuk-radios__item" }, el("input", { class: "govuk-radios__input", id, name: key, type: "radio", value: code, checked: code === value }), el("label", { class: "govuk-label govuk-radios__label", for: id, text: label }));
  });
  const fieldset = el(
    "fieldset",
    { class: "govuk-fieldset", "aria-describedby": described(key, hint, error), id: fieldId(key) },
    el("legend", { class: `govuk-fieldset__legend ${legendClass}`, text: legend }),
    hint ? el("div", { class: "govuk-hint", id: `${fieldId(key)}-hint`, text: hint }) : "",
    error ? el("p", { class: "govuk-error-message", id: `${fieldId(key)}-error` }, el("span", { class: "govuk-visually-hidden", text: "Error: " }), error) : "",
    el("div", { class: `govuk-radios govuk-radios--small${inline ? " govuk-radios--inline" : ""}` }, ...items),
  );
  return el("div", { class: `govuk-form-group${error ? " govuk-form-group--error" : ""}`, "data-field": key }, fieldset);
}

/** The GOV.UK error summary for {key: message} ("" when there is nothing to say). */
export function errorSummary(errors, title = "There is a problem") {
  const entries = Object.entries(errors);
  if (!entries.length) return "";
  return el(
    "div",
    { class: "govuk-error-summary", "data-error-summary": true, tabindex: "-1" },
    el("div", { role: "alert" }, el("h2", { class: "govuk-error-summary__title", text: title }), el("div", { class: "govuk-error-summary__body" }, el("ul", { class: "govuk-list govuk-error-summary__list" }, ...entries.map(([key, message]) => el("li", {}, el("a", { href: `#${fieldId(key)}`, text: message })))))),
  );
}

/** A button. */
export function button(text, attrs = {}) {
  return el("button", { type: "button", class: "govuk-button", "data-module": "govuk-button", text, ...attrs });
}

/** A link within the form (form.js turns a click into a move between sections). */
export function link(href, text, attrs = {}) {
  return el("a", { class: "govuk-link", href, text, ...attrs });
}

/** Show each group's error from {key: message} in a form already drawn (as the user
 * types, without drawing the fields again), and the error summary above them. */
export function showErrors(root, errors) {
  for (const group of root.querySelectorAll("[data-field]")) {
    const key = group.dataset.field;
    const message = errors[key] || "";
    const inner = group.querySelector("fieldset") || group;
    let shown = inner.querySelector(`:scope > .govuk-error-message`);
    if (message && !shown) {
      shown = el("p", { class: "govuk-error-message", id: `${fieldId(key)}-error` });
      const before = inner.querySelector(":scope > .govuk-radios, :scope > input, :scope > textarea");
      inner.insertBefore(shown, before);
    }
    if (shown && !message) shown.remove();
    if (message) shown.replaceChildren(el("span", { class: "govuk-visually-hidden", text: "Error: " }), message);
    group.classList.toggle("govuk-form-group--error", Boolean(message));
  }
  const summary = root.querySelector("[data-error-summary]");
  const fresh = errorSummary(errors);
  if (summary && fresh) summary.replaceWith(fresh);
  else if (summary) summary.remove();
  else if (fresh) root.querySelector("h1")?.closest("[data-visit-app] > *")?.before(fresh);
}

/** A date in GOV.UK's three boxes (day, month, year), as the server's forms ask for one.
 * A hidden input named by the key holds the ISO date the payload sends ("2026-12-06";
 * a date half typed stays as typed, for the checks to refuse), and fires "input". */
export function dateInput(key, { legend, hint = "For example, 27 3 2026", value = "", error = "" }) {
  const [year = "", month = "", day = ""] = /^\d{4}-\d{2}-\d{2}$/.test(value || "") ? value.split("-").map((p) => String(Number(p))) : [];
  const hidden = el("input", { type: "hidden", name: key, value: value || "" });
  const box = (part, label, text, width) => {
    const id = part === "day" ? fieldId(key) : `${fieldId(key)}-${part}`;
    return el("div", { class: "govuk-date-input__item" }, el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label govuk-date-input__label", for: id, text: label }), el("input", { class: `govuk-input govuk-date-input__input govuk-input--width-${width}${error ? " govuk-input--error" : ""}`, id, type: "text", inputmode: "numeric", "data-date-part": part, value: text })));
  };
  const fieldset = el(
    "fieldset",
    { class: "govuk-fieldset", role: "group", "aria-describedby": described(key, hint, error), "data-date-for": key },
    el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s", text: legend }),
    el("div", { class: "govuk-hint", id: `${fieldId(key)}-hint`, text: hint }),
    error ? el("p", { class: "govuk-error-message", id: `${fieldId(key)}-error` }, el("span", { class: "govuk-visually-hidden", text: "Error: " }), error) : "",
    el("div", { class: "govuk-date-input" }, box("day", "Day", day, 2), box("month", "Month", month, 2), box("year", "Year", year, 4)),
    hidden,
  );
  fieldset.addEventListener("input", (event) => {
    if (event.target === hidden) return;
    const [d, m, y] = ["day", "month", "year"].map((part) => fieldset.querySelector(`[data-date-part="${part}"]`).value.trim());
    hidden.value = d || m || y ? `${y.padStart(4, "0")}-${m.padStart(2, "0")}-${d.padStart(2, "0")}` : "";
    hidden.dispatchEvent(new Event("input", { bubbles: true }));
  });
  return el("div", { class: `govuk-form-group${error ? " govuk-form-group--error" : ""}`, "data-field": key }, fieldset);
}
