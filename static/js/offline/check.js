// Check answers in the visit form: each theme's RAG with the criteria that decided it,
// the overall RAG, and what blocks submitting, grouped by theme with links. The rating
// and the blockers are worked out on the tablet by rating.js from the framework
// version's own rules, exactly as the server would.
import { button, errorSummary, link } from "./fields.js";
import { el } from "./page.js";
import { toPayload } from "./payload.js";

let rating = null;

/** rating.js, loaded once (null if this tablet does not have it). */
async function ratingModule() {
  rating ??= import("./rating.js").catch(() => false);
  return (await rating) || null;
}

const TAG = { red: "govuk-tag--red", amber: "govuk-tag--orange", green: "govuk-tag--green" };

/** A RAG as a GOV.UK tag ("Not rated" when there is none yet). */
function rag(value) {
  return value ? el("strong", { class: `govuk-tag ${TAG[value] || ""}`.trim(), text: value[0].toUpperCase() + value.slice(1) }) : el("strong", { class: "govuk-tag govuk-tag--grey", text: "Not rated" });
}

/** The text of a "why": a list of reasons or a sentence. */
function why(value) {
  if (!value) return "";
  if (Array.isArray(value)) return el("ul", { class: "govuk-list govuk-list--bullet" }, ...value.map((v) => el("li", { text: typeof v === "string" ? v : JSON.stringify(v) })));
  return el("p", { class: "govuk-body-s", text: typeof value === "string" ? value : JSON.stringify(value) });
}

/** What blocks this draft being submitted, as rating.js says the server would raise them,
 * and the groups to show; both empty when rating.js is not on this tablet. */
export async function blockersOf(ctx, today = new Date().toISOString().slice(0, 10)) {
  const module = await ratingModule();
  if (!module) return { blockers: [], groups: [], module };
  const blockers = module.submissionBlockers(ctx.framework, toPayload(ctx.draft, ctx.labels), today);
  return { blockers, groups: module.blockerGroups(ctx.framework, blockers), module };
}

/** The check answers section. */
export async function check(ctx) {
  const { module, blockers, groups } = await blockersOf(ctx);
  const parts = [link(`/visits/${ctx.draft.uuid}`, "Back to the visit", { class: "govuk-back-link" }), errorSummary(ctx.errors), el("span", { class: "govuk-caption-l", text: `${ctx.draft.provider_name} · ${ctx.draft.visit_date}` }), el("h1", { class: "govuk-heading-l", text: ctx.labels.sections.find((s) => s.code === "check")?.label })];
  if (module) {
    const ratings = Object.fromEntries(Object.entries(ctx.draft.judgements).filter(([, j]) => j.rating).map(([code, j]) => [code, j.rating]));
    const result = module.rateVisit(ctx.framework, ratings);
    const rows = ctx.framework.themes.map((theme) => {
      const rated = result.themes[theme.code] || {};
      return el("div", { class: "govuk-summary-list__row", "data-theme-rag": theme.code }, el("dt", { class: "govuk-summary-list__key", text: theme.name }), el("dd", { class: "govuk-summary-list__value" }, rag(rated.rag), why(rated.why)), el("dd", { class: "govuk-summary-list__actions" }, link(`/visits/${ctx.draft.uuid}/themes/${theme.code}`, "Change", { "aria-label": `Change ${theme.name}` })));
    });
    parts.push(el("dl", { class: "govuk-summary-list" }, ...rows), el("h2", { class: "govuk-heading-m" }, "Overall: ", rag(result.overall.rag)), why(result.overall.why));
  } else {
    parts.push(el("p", { class: "govuk-body", text: "The ratings show here once this tablet has the rating rules: sync while online." }));
  }
  if (groups.length) {
    const href = (group) => (group.theme ? `/visits/${ctx.draft.uuid}/themes/${group.theme}` : `/visits/${ctx.draft.uuid}/details`);
    parts.push(
      el("h2", { class: "govuk-heading-m", text: "Before you can submit" }),
      el("ul", { class: "govuk-list", "data-blockers": true }, ...groups.map((g) => el("li", {}, link(href(g), g.summary || g.title)))),
    );
  }
  parts.push(el("div", { class: "govuk-button-group" }, button("Submit visit", { "data-submit": true, disabled: Boolean(blockers.length) || Boolean(ctx.draft.conflict) })));
  return parts;
}
