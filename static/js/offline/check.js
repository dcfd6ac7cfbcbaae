// Check answers: each theme's RAG and why, the overall RAG (none until every theme can be
// rated) and what blocks submitting, by theme with links, worked out by rating.js.
import { button, errorSummary, link } from "./fields.js";
import { photosOf } from "./db.js";
import { el, shortDate } from "./page.js";
import { registrationEvidence } from "./payload.js";
import { registrationTest } from "../registration-test.js";
import { toPayload, visitedName } from "./payload.js";
import { placementsAnswered, registrationResult, sectionTitle } from "./sections.js";
import { blockerGroups, blockerHref, ratingsOf, ratingsShown, submissionBlockers } from "./rating.js";

const TAG = { red: "govuk-tag--red", amber: "govuk-tag--orange", green: "govuk-tag--green" };

/** A rating as pages show it: a tag, else its words. */
function shown(rating) {
  if (rating.state === "insufficient") return el("strong", { class: "govuk-tag govuk-tag--grey", text: rating.label });
  return rating.rag ? el("strong", { class: `govuk-tag ${TAG[rating.rag]}`, text: rating.label }) : el("span", { class: "app-secondary-text", text: rating.label });
}

/** The reasons behind a rating, one a line. */
function reasons(why) {
  return why.length ? el("ul", { class: "govuk-list govuk-list--bullet govuk-body-s" }, ...why.map((text) => el("li", { text }))) : "";
}

/** Today as the server's dates are written (the tablet's own clock). */
const today = () => new Date().toLocaleDateString("en-CA");

/** What blocks this draft being submitted, as the server would raise them. */
export function blockersOf(ctx) {
  return submissionBlockers(ctx.framework, toPayload(ctx.draft, ctx.labels), today(), ctx.school);
}

/** Each theme's rating as shown while the visit is in progress (for the task list too). */
export function themesShown(ctx) {
  return ratingsShown(ctx.framework, ratingsOf(toPayload(ctx.draft, ctx.labels)));
}

const labelOf = (list, code) => list.find((item) => item.code === code)?.label ?? code;
// A registration check that says the provider may need to register raises an escalation
// when submitted, unless the provider is registered as an independent school (the server's
// registration.law.raises_escalation).
const ESCALATING = new Set(["likely_must_register", "borderline"]);

/** Whether submitting this draft raises an escalation about the provider's registration. */
function escalates(ctx) {
  if (ctx.school) return false;
  const rules = ctx.bundle.registration_rules?.rules;
  const pupils = registrationEvidence(ctx.draft.registration)?.pupils.filter((p) => p.hours_per_week != null) ?? [];
  const provider = ctx.bundle.providers.find((p) => p.id === ctx.draft.provider_id);
  return Boolean(rules && pupils.length && ESCALATING.has(registrationTest(pupils, rules).result) && provider?.registration_status !== "registered_independent");
}

/** The actions, each with its owner and due date; the earlier visits' actions with what was found. */
function actionLists(ctx) {
  const { draft, labels } = ctx;
  const owner = (code) => labelOf(labels.action_owners, code);
  const mine = draft.actions.filter((a) => a.description.trim());
  const parts = [
    el("h2", { class: "govuk-heading-m", text: "Actions" }),
    mine.length
      ? el("ol", { class: "govuk-list govuk-list--number", "data-check-actions": true }, ...mine.map((a) => el("li", {}, a.description, " ", el("span", { class: "app-secondary-text", text: `(${owner(a.owner)}${a.due ? `, due ${shortDate(a.due)}` : ", no due date"})` }))))
      : el("p", { class: "govuk-body", text: "No actions." }),
  ];
  if (ctx.previous.length) {
    const outcome = (a) => ({ done: "Done", not_done: "Not done" })[draft.action_outcomes[a.id]] || "Not marked yet";
    parts.push(
      el("h2", { class: "govuk-heading-m", text: sectionTitle(ctx, "previous-actions") }),
      el("ul", { class: "govuk-list govuk-list--bullet", "data-check-previous": true }, ...ctx.previous.map((a) => el("li", {}, `${a.description}: `, el("strong", { text: outcome(a) })))),
    );
  }
  return parts;
}

/** Submit, once the officer has read what happens next and confirmed. */
function submitting(ctx, blocked) {
  const next = [
    "the visit is locked: you cannot change it unless the Head of Access returns it to you",
    "it is sent to the office as soon as the tablet has a signal",
    "the Head of Access signs it off or returns it with a comment; you are told by email",
    ...(escalates(ctx) ? ["an escalation is raised about the provider's registration"] : []),
  ];
  const panel = el(
    "div",
    { class: "govuk-inset-text", "data-confirm-submit": true, hidden: true },
    el("p", { class: "govuk-body", text: "When you submit:" }),
    el("ul", { class: "govuk-list govuk-list--bullet" }, ...next.map((text) => el("li", { text }))),
    el("div", { class: "govuk-button-group" }, button("Yes, submit the visit", { "data-submit": true }), button("Not yet", { class: "govuk-button govuk-button--secondary", "data-cancel-submit": true })),
  );
  const ask = button("Submit visit", { "data-ask-submit": true, disabled: blocked });
  ask.addEventListener("click", () => {
    panel.hidden = false;
    ask.hidden = true;
    panel.querySelector("[data-submit]").focus();
  });
  panel.querySelector("[data-cancel-submit]").addEventListener("click", () => {
    panel.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  return [el("div", { class: "govuk-button-group" }, ask), panel];
}

/** The visit's photos on this tablet, as the server's page lists them: each with its
 * criterion (or the whole visit) and caption (drawn once the tablet has read them). */
function photoList(uuid) {
  const list = el("ul", { class: "govuk-list app-photo-list", "data-check-photos": true });
  photosOf(uuid)
    .catch(() => [])
    .then((photos) => {
      if (!photos.length) return list.replaceWith(el("p", { class: "govuk-body", text: "No photos." }));
      for (const photo of photos) {
        const src = URL.createObjectURL(photo.blob);
        const what = photo.criterion || "Whole visit";
        list.append(el("li", {}, el("img", { class: "app-photo-list__image", src, alt: `${photo.caption || "Photo"}${photo.criterion ? `, evidence for ${photo.criterion}` : ""}`, width: "160" }), el("span", { class: "govuk-body-s", text: photo.caption ? ` ${what}: ${photo.caption}` : ` ${what}` })));
      }
    });
  return [el("h2", { class: "govuk-heading-m", text: "Photos" }), list];
}

/** The check answers section. */
export function check(ctx) {
  const { draft, framework } = ctx;
  const ratings = themesShown(ctx);
  const blockers = blockersOf(ctx);
  const row = (attrs, name, href, ...value) =>
    el("div", { class: "govuk-summary-list__row", ...attrs }, el("dt", { class: "govuk-summary-list__key", text: name }), el("dd", { class: "govuk-summary-list__value" }, ...value), el("dd", { class: "govuk-summary-list__actions" }, link(`/visits/${draft.uuid}/${href}`, "Change", { "aria-label": `Change ${name}` })));
  const rows = framework.themes.map((t) => row({ "data-theme-rag": t.code }, t.name, `themes/${t.code}`, shown(ratings.themes[t.code]), reasons(ratings.themes[t.code].why)));
  if (ctx.school) {
    const [answered, needed] = placementsAnswered(ctx);
    rows.push(row({ "data-placements-answered": true }, sectionTitle(ctx, "placements"), "placements", `${answered} of ${needed} answers given`));
  } else {
    const result = registrationResult(ctx) || "No pupils recorded";
    rows.push(row({ "data-registration-check": true }, sectionTitle(ctx, "registration"), "registration", result, escalates(ctx) ? el("p", { class: "govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0", "data-escalates": true }, el("strong", { text: "Submitting raises an escalation" }), " to the Head of Access: the provider may need to register as a school.") : ""));
  }
  const parts = [
    link(`/visits/${draft.uuid}`, "Back to the visit", { class: "govuk-back-link" }),
    errorSummary(ctx.errors),
    el("span", { class: "govuk-caption-l", text: `${visitedName(draft)} · ${shortDate(draft.visit_date)}` }),
    el("h1", { class: "govuk-heading-l", text: ctx.labels.sections.find((s) => s.code === "check")?.label }),
    el("dl", { class: "govuk-summary-list" }, ...rows),
    el("h2", { class: "govuk-heading-m", "data-overall": true }, "Overall: ", shown(ratings.overall)),
    reasons(ratings.overall.why),
  ];
  const groups = blockerGroups(framework, blockers);
  if (groups.length) {
    parts.push(
      el("h2", { class: "govuk-heading-m", text: "Before you can submit" }),
      el("ul", { class: "govuk-list", "data-blockers": true }, ...groups.map((g) => el("li", {}, link(blockerHref(draft.uuid, g.keys[0]), g.summary)))),
    );
  }
  parts.push(...actionLists(ctx), ...photoList(draft.uuid), ...submitting(ctx, Boolean(blockers.length || draft.conflict)));
  return parts;
}
