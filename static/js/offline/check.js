// Check answers: each theme's RAG and why, the overall RAG (none until every theme can be
// rated) and what blocks submitting, by theme with links, worked out by rating.js.
import { button, errorSummary, link } from "./fields.js";
import { el } from "./page.js";
import { toPayload, visitedName } from "./payload.js";
import { placementsAnswered, sectionTitle } from "./sections.js";
import { blockerGroups, blockerHref, ratingsOf, ratingsShown, submissionBlockers } from "./rating.js";

const TAG = { red: "govuk-tag--red", amber: "govuk-tag--orange", green: "govuk-tag--green" };

/** A rating as the pages show it: a coloured tag when there is a RAG, else its words. */
function shown(rating) {
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
  }
  const parts = [
    link(`/visits/${draft.uuid}`, "Back to the visit", { class: "govuk-back-link" }),
    errorSummary(ctx.errors),
    el("span", { class: "govuk-caption-l", text: `${visitedName(draft)} · ${draft.visit_date}` }),
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
  parts.push(el("div", { class: "govuk-button-group" }, button("Submit visit", { "data-submit": true, disabled: Boolean(blockers.length || draft.conflict) })));
  return parts;
}
