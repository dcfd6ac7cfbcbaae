// The visit form's sections, each at its server address, drawn from the draft and the
// bundle; form.js reads the fields back by key.
import { button, dateInput, errorSummary, input, link, radios, textarea } from "./fields.js";
import { el, plural, shortDate } from "./page.js";
import { ownerChoices, registrationEvidence, visitedName } from "./payload.js";
import { checksNeeded } from "./rating.js";
import { registrationTest } from "../registration-test.js";

const label = (list, code) => list.find((item) => item.code === code)?.label ?? code;
const words = (ctx, name) => ctx.labels.fields[name] || { label: name, hint: "" };
export const sectionTitle = (ctx, code) => label(ctx.labels.sections, code);
const base = (ctx) => `/visits/${ctx.draft.uuid}`;

/** The problems to show: an action just added, with nothing entered yet, is not one yet
 * (check answers still lists it). */
function shownErrors(ctx) {
  const blank = new Set(ctx.draft.actions.flatMap((a, i) => (!a.description.trim() && !a.due ? [`actions[${i}].description`] : [])));
  return Object.fromEntries(Object.entries(ctx.errors).filter(([key]) => !blank.has(key)));
}

/** The caption, heading and error summary every section starts with. */
function heading(ctx, title) {
  return [
    link(base(ctx), "Back to the visit", { class: "govuk-back-link" }),
    errorSummary(shownErrors(ctx)),
    el("span", { class: "govuk-caption-l", text: `${visitedName(ctx.draft)} · ${shortDate(ctx.draft.visit_date)}` }),
    el("h1", { class: "govuk-heading-l", text: title }),
  ];
}

const back = (ctx) => el("div", { class: "govuk-button-group" }, link(base(ctx), "Save and return to the visit", { class: "govuk-button", role: "button", "data-module": "govuk-button" }));

/** Where each theme stands: "Not started", "In progress" or "Complete". */
function themeState(ctx, theme) {
  const judged = theme.criteria.map((c) => ctx.draft.judgements[c.code]).filter((j) => j?.rating);
  if (!judged.length) return "Not started";
  const bad = theme.criteria.some((c) => ctx.errors[`criterion.${c.code}`]);
  return judged.length === theme.criteria.length && !bad ? "Complete" : "In progress";
}

/** The task list: every section with its state, and check answers. */
export function taskList(ctx) {
  const { draft } = ctx;
  const item = (href, title, state, hint = "") =>
    el(
      "li",
      { class: "govuk-task-list__item govuk-task-list__item--with-link" },
      el("div", { class: "govuk-task-list__name-and-hint" }, link(href, title, { class: "govuk-link govuk-task-list__link" }), hint ? el("div", { class: "govuk-task-list__hint", text: hint }) : ""),
      el("div", { class: "govuk-task-list__status" }, state === "Complete" ? state : el("strong", { class: `govuk-tag ${state === "In progress" ? "govuk-tag--blue" : "govuk-tag--grey"}`, text: state })),
    );
  const reg = registrationEvidence(draft.registration);
  const items = [
    item(`${base(ctx)}/details`, sectionTitle(ctx, "details"), "Complete"),
    ...ctx.framework.themes.map((theme) => {
      const shown = ctx.ratings.themes[theme.code];
      return item(`${base(ctx)}/themes/${theme.code}`, theme.name, themeState(ctx, theme), shown.state === "not_started" ? "" : shown.label);
    }),
    // A school visit checks the school's placements instead of a registration check.
    ctx.school ? item(`${base(ctx)}/placements`, sectionTitle(ctx, "placements"), placementsState(ctx), `${plural(ctx.school.placements.length, "placement")} to check`) : item(`${base(ctx)}/registration`, sectionTitle(ctx, "registration"), reg?.pupils.length ? "Complete" : "Not started"),
    item(`${base(ctx)}/strengths`, sectionTitle(ctx, "strengths"), draft.strengths || draft.pupil_voice ? "Complete" : "Not started"),
    item(`${base(ctx)}/actions`, sectionTitle(ctx, "actions"), draft.actions.length ? "Complete" : "Not started"),
  ];
  if (ctx.previous.length) {
    const marked = ctx.previous.filter((a) => draft.action_outcomes[a.id]).length;
    items.push(item(`${base(ctx)}/previous-actions`, sectionTitle(ctx, "previous-actions"), marked === ctx.previous.length ? "Complete" : marked ? "In progress" : "Not started"));
  }
  return [
    link("/programme", "Visit programme", { class: "govuk-back-link" }),
    errorSummary(shownErrors(ctx)),
    el("span", { class: "govuk-caption-l", text: `${label(ctx.labels.visit_types, draft.visit_type)} visit · ${shortDate(draft.visit_date)}` }),
    el("h1", { class: "govuk-heading-l", text: visitedName(draft) }),
    el("p", { class: "govuk-body-s", "data-visit-local-state": true }, "On this tablet: ", el("strong", { text: draft.dirty ? "Saved on this tablet, not yet sent" : "Synced" })),
    ctx.notice,
    el("h2", { class: "govuk-heading-m", text: "Complete the visit" }),
    el("ul", { class: "govuk-task-list", "data-task-list": true }, ...items),
    link(`${base(ctx)}/check`, sectionTitle(ctx, "check"), { class: "govuk-button", role: "button", "data-module": "govuk-button" }),
    el("p", { class: "govuk-body-s", text: "Everything is saved on this tablet as you type, and sent to the office whenever there is a signal." }),
  ];
}

/** Date, type, people met and pupils seen. */
export function details(ctx) {
  const { draft, errors } = ctx;
  return [
    ...heading(ctx, sectionTitle(ctx, "details")),
    dateInput("visit_date", { legend: words(ctx, "visit_date").label, value: draft.visit_date, error: errors.visit_date }),
    radios("visit_type", { legend: words(ctx, "visit_type").label, choices: ctx.labels.visit_types, value: draft.visit_type, error: errors.visit_type, inline: false, legendClass: "govuk-fieldset__legend--m" }),
    textarea("people_met", { ...words(ctx, "people_met"), value: draft.people_met, error: errors.people_met, labelClass: "govuk-label--m" }),
    input("pupils_seen", { ...words(ctx, "pupils_seen"), value: draft.pupils_seen, error: errors.pupils_seen, width: "govuk-input--width-4", attrs: { inputmode: "numeric" } }),
    back(ctx),
  ];
}

/** One theme: each criterion's judgement and evidence, the comment and the reason. */
export function theme(ctx, code) {
  const { draft, errors } = ctx;
  const found = ctx.framework.themes.find((t) => t.code === code);
  if (!found) return notFound();
  const own = ctx.bundle?.providers?.find((p) => p.id === draft.provider_id)?.self_assessment;
  const criteria = found.criteria.map((c) => {
    const j = draft.judgements[c.code] || (own?.lm_prefill?.criterion === c.code && own.lm_prefill) || { rating: "", evidence: "" };
    const hint = `${c.critical ? "Critical. " : ""}${c.guidance || ""}`;
    return el(
      "div",
      { class: "app-criterion", id: `criterion-${c.code}`, "data-criterion": c.code },
      radios(`criterion.${c.code}`, { legend: `${c.code} ${c.text}`, hint, choices: ctx.labels.ratings, value: j.rating, error: errors[`criterion.${c.code}`] }),
      own?.answers[c.code] ? el("div", { class: "govuk-inset-text", "data-self-assessment": c.code, text: own.answers[c.code].text }) : "",
      textarea(`evidence.${c.code}`, { label: `Evidence for ${c.code}`, value: j.evidence }),
    );
  });
  return [
    ...heading(ctx, found.name),
    el("p", { class: "govuk-body", text: `Judge each criterion. Evidence is needed for anything other than "${label(ctx.labels.ratings, "met")}".` }),
    own ? el("p", { class: "govuk-body", "data-self-assessment-sent": "", text: own.summary }) : "",
    el("form", { "data-theme-form": code, novalidate: true }, ...criteria),
    textarea(`theme_notes.${code}`, { ...words(ctx, "theme_note"), value: draft.theme_notes[code] || "", error: errors[`theme_notes.${code}`], rows: 4 }),
    textarea(`insufficient_reasons.${code}`, { ...words(ctx, "insufficient_reason"), value: draft.insufficient_reasons[code] || "", error: errors[`insufficient_reasons.${code}`], rows: 2 }),
    back(ctx),
  ];
}

/** One pupil of the registration check: reference, hours, weeks and the flags. */
function pupilRow(ctx, pupil, i) {
  const key = (name) => `registration_evidence.pupils[${i}].${name}`;
  const boxes = ctx.labels.pupil_flags.map(({ code, label: text, default: initial }) =>
    el("div", { class: "govuk-checkboxes__item" }, el("input", { class: "govuk-checkboxes__input", type: "checkbox", id: `f-${key(code).replace(/[^A-Za-z0-9_-]/g, "-")}`, name: key(code), checked: pupil[code] ?? initial }), el("label", { class: "govuk-label govuk-checkboxes__label", for: `f-${key(code).replace(/[^A-Za-z0-9_-]/g, "-")}`, text })),
  );
  const error = ctx.errors[`registration_evidence.pupils[${i}]`] || ctx.errors[key("ref")];
  return el(
    "fieldset",
    { class: `govuk-fieldset govuk-form-group${error ? " govuk-form-group--error" : ""}`, "data-pupil": i },
    el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s", text: `Pupil ${i + 1}` }),
    error ? el("p", { class: "govuk-error-message", text: error }) : "",
    input(key("ref"), { label: "Reference (never a name)", value: pupil.ref ?? "", width: "govuk-input--width-5", attrs: { maxlength: 20 } }),
    input(key("hours"), { label: "Hours a week", value: pupil.hours ?? "", width: "govuk-input--width-5", attrs: { inputmode: "decimal" } }),
    input(key("weeks"), { label: "Weeks a year", value: pupil.weeks ?? "38", width: "govuk-input--width-5", attrs: { inputmode: "numeric" } }),
    el("div", { class: "govuk-checkboxes govuk-checkboxes--small" }, ...boxes),
  );
}

/** The registration test's result for what is typed so far ("" when nothing). */
export function registrationResult(ctx) {
  const rules = ctx.bundle.registration_rules?.rules;
  const pupils = registrationEvidence(ctx.draft.registration)?.pupils.filter((p) => p.hours_per_week != null) ?? [];
  return rules && pupils.length ? label(ctx.labels.registration_results, registrationTest(pupils, rules).result) : "";
}

/** The registration check: how many pupils, each by reference, and the sites. */
export function registration(ctx) {
  const reg = ctx.draft.registration;
  const pupils = reg.pupils.length ? reg.pupils : [{}];
  return [
    ...heading(ctx, sectionTitle(ctx, "registration")),
    input("registration_evidence.pupil_count", { label: "How many pupils attend", value: reg.pupil_count, error: ctx.errors["registration_evidence.pupil_count"], width: "govuk-input--width-4", attrs: { inputmode: "numeric" } }),
    el("div", { "data-pupils": true }, ...pupils.map((p, i) => pupilRow(ctx, p, i))),
    button("Add a pupil", { class: "govuk-button govuk-button--secondary", "data-add-pupil": true }),
    textarea("registration_evidence.sites", { label: "Sites used", hint: "One site a line.", value: reg.sites, rows: 2 }),
    el("p", { class: "govuk-body govuk-!-font-weight-bold", "data-registration-result": true, role: "status", text: registrationResult(ctx) }),
    back(ctx),
  ];
}

/** Strengths and pupil voice. */
export function strengths(ctx) {
  const { draft, errors } = ctx;
  return [
    ...heading(ctx, sectionTitle(ctx, "strengths")),
    textarea("strengths", { ...words(ctx, "strengths"), value: draft.strengths, error: errors.strengths, rows: 6, labelClass: "govuk-label--m" }),
    textarea("pupil_voice", { ...words(ctx, "pupil_voice"), value: draft.pupil_voice, error: errors.pupil_voice, rows: 6, labelClass: "govuk-label--m" }),
    back(ctx),
  ];
}

/** The visit's actions, each with a description, an owner and a due date. */
export function actions(ctx) {
  const { draft } = ctx;
  const errors = shownErrors(ctx);
  const rows = draft.actions.map((action, i) =>
    el(
      "div",
      { class: "app-action", "data-action": i },
      el("h2", { class: "govuk-heading-s", text: `Action ${i + 1}` }),
      textarea(`actions[${i}].description`, { ...words(ctx, "action_description"), value: action.description, error: errors[`actions[${i}].description`], rows: 2 }),
      radios(`actions[${i}].owner`, { legend: words(ctx, "action_owner").label, choices: ownerChoices(ctx.labels, draft), value: action.owner }),
      dateInput(`actions[${i}].due`, { legend: words(ctx, "action_due").label, value: action.due, error: errors[`actions[${i}].due`] }),
      button("Remove this action", { class: "govuk-button govuk-button--warning", "data-remove-action": i }),
    ),
  );
  return [...heading(ctx, sectionTitle(ctx, "actions")), ...(rows.length ? rows : [el("p", { class: "govuk-body", text: "No actions yet." })]), button("Add an action", { class: "govuk-button govuk-button--secondary", "data-add-action": true }), back(ctx)];
}

/** Earlier visits' open actions, each done or not, with the provider's answer. */
export function previousActions(ctx) {
  const items = ctx.previous.flatMap((action) => [
    radios(`action_outcomes.${action.id}`, {
      legend: action.description,
      hint: `${label(ctx.labels.action_owners, action.owner)}${action.due ? `, due ${shortDate(action.due)}` : ""}`,
      choices: ctx.labels.outcomes,
      value: ctx.draft.action_outcomes[action.id] || "",
    }),
    ...(action.answer_lines || []).map((text) => el("p", { class: "govuk-body", text })),
    textarea(`action_notes.${action.id}`, { ...words(ctx, "action_note"), label: `${words(ctx, "action_note").label}: ${action.description}`, value: (ctx.draft.action_notes || {})[action.id] || "", rows: 2 }),
  ]);
  return [...heading(ctx, sectionTitle(ctx, "previous-actions")), ...(items.length ? items : [el("p", { class: "govuk-body", text: "There are no open actions from earlier visits." })]), back(ctx)];
}

/** [answered, needed] of a school visit's placement checks. */
export function placementsAnswered(ctx) {
  const needed = ctx.school.placements.flatMap((p) => checksNeeded(p, ctx.labels.placement_checks).map((c) => ctx.draft.placement_checks?.[p.uuid]?.[c.code]));
  return [needed.filter(Boolean).length, needed.length];
}

function placementsState(ctx) {
  const [answered, needed] = placementsAnswered(ctx);
  return answered === needed ? "Complete" : answered ? "In progress" : "Not started";
}

/** What the records say of one placement. */
function placementFacts(ctx, p) {
  const facts = {
    Provider: p.provider_name,
    Started: shortDate(p.start_date),
    Ended: shortDate(p.ended_on) || "Still open",
    Timetable: p.part_time ? `Part time, ${p.hours_per_week} hours a week` : "Full time",
    "Last review": shortDate(p.last_review) || "None yet",
    Overdue: p.overdue.map((kind) => label(ctx.labels.overdue, kind)).join("; ") || "Nothing",
  };
  return el("dl", { class: "govuk-summary-list govuk-summary-list--no-border" }, ...Object.entries(facts).map(([key, text]) => el("div", { class: "govuk-summary-list__row" }, el("dt", { class: "govuk-summary-list__key", text: key }), el("dd", { class: "govuk-summary-list__value", text }))));
}

/** A school visit's checks of each of the school's placements: yes or no to each
 * question (not applicable only for a part-time timetable's review), and a note. */
export function placements(ctx) {
  if (!ctx.school) return notFound();
  const { draft, errors } = ctx;
  const items = ctx.school.placements.map((p) => {
    const given = draft.placement_checks?.[p.uuid] || {};
    const key = (name) => `placement_checks.${p.uuid}.${name}`;
    return el(
      "div",
      { id: `placement-${p.uuid}`, "data-placement": p.uuid },
      el("hr", { class: "govuk-section-break govuk-section-break--m govuk-section-break--visible" }),
      el("h2", { class: "govuk-heading-m", text: `${p.pupil_ref}, Year ${p.year_group}` }),
      placementFacts(ctx, p),
      ...checksNeeded(p, ctx.labels.placement_checks).map((check) =>
        radios(key(check.code), {
          legend: check.label,
          choices: check.answers,
          value: given[check.code] || "",
          error: errors[key(check.code)],
        }),
      ),
      textarea(key("note"), { label: `Note on ${p.pupil_ref}`, value: given.note || "", error: errors[key("note")], rows: 2 }),
    );
  });
  return [
    ...heading(ctx, sectionTitle(ctx, "placements")),
    el("p", { class: "govuk-body", text: "The school's open placements and those ended since its last visit, to check against its records." }),
    ...(items.length ? items : [el("p", { class: "govuk-body", text: "The school has no placements to check." })]),
    back(ctx),
  ];
}

/** A section that does not exist. */
export function notFound() {
  return [el("h1", { class: "govuk-heading-l", text: "Page not found" }), el("p", { class: "govuk-body" }, link("/programme", "Go to the visit programme"))];
}
