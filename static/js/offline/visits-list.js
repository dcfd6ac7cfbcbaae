// The list of visits on this tablet (the shell at any address that is not a visit's):
// the officer's drafts, what waits to sync, and starting a visit with no signal. Before
// a second visit to a provider or school is started, an open one is named with a link to it.
import * as store from "./db.js";
import { button, dateInput, input, link, radios, textarea } from "./fields.js";
import { el, plural, shortDate, syncMessage } from "./page.js";
import { queueChange, inOrder } from "./outbox.js";
import { newDraft, toPayload, visitedName } from "./payload.js";
import { lastResult, syncNow } from "./sync.js";

/** The list page's parts; `missing` is a visit uuid the address named but the tablet lacks. */
export async function visitsList(state, missing) {
  const { user, bundle } = state;
  const drafts = await store.draftsFor(user.id);
  const waiting = await store.outboxFor(user.id);
  const name = (v) => (v.school_id ? bundle.schools?.find((s) => s.id === v.school_id) : bundle.providers.find((p) => p.id === v.provider_id))?.name;
  const parts = [el("h1", { class: "govuk-heading-l", text: "Visits on this tablet" })];
  if (missing) parts.push(el("div", { class: "govuk-inset-text", text: "That visit is not on this tablet. It may be waiting to sync, or belong to someone else." }));
  if (new URLSearchParams(location.search).get("submitted")) parts.push(submittedNotice(waiting));
  const draftItem = (d) =>
    el("li", {}, link(`/visits/${d.uuid}`, `${visitedName(d) || name(d)}, ${shortDate(d.visit_date)}`), d.status === "returned" ? el("strong", { class: "govuk-tag govuk-tag--orange govuk-!-margin-left-2", "data-returned": d.uuid, text: "Returned by the Head of Access" }) : "");
  parts.push(el("h2", { class: "govuk-heading-m", text: "Drafts" }), el("ul", { class: "govuk-list", "data-drafts": true }, ...(drafts.length ? drafts.map(draftItem) : [el("li", { text: "No drafts on this tablet." })])));
  // Only what is still on the tablet is listed: a list with nothing in it gets no heading.
  if (waiting.length) {
    parts.push(el("h2", { class: "govuk-heading-m", text: "Waiting to sync" }), el("ul", { class: "govuk-list", "data-outbox-list": true }, ...(await Promise.all(byVisit(waiting).map((rows) => outboxItem(rows, name))))));
  }
  const sync = button("Sync now", { class: "govuk-button govuk-button--secondary", "data-sync-now": true });
  sync.addEventListener("click", () => syncNow());
  parts.push(sync, el("p", { class: "govuk-body", "data-sync-message": true, role: "status", text: syncMessage(lastResult) }));
  if (bundle.providers.length || bundle.schools?.length) parts.push(startForm(state, drafts));
  return parts;
}

/** What happened to the visit just submitted, and what comes next: still on the tablet
 * until there is a signal, or already sent to the office. */
function submittedNotice(waiting) {
  const queued = waiting.some((row) => row.state === "queued");
  const text = queued
    ? "Visit submitted and locked on this tablet. It is sent to the office as soon as the tablet has a signal; then the Head of Access signs it off or returns it to you."
    : "Visit submitted and sent to the office. The Head of Access will sign it off or return it to you with a comment; you are told by email.";
  return el("div", { class: "govuk-inset-text", "data-submitted": queued ? "waiting" : "sent", text });
}

/** Start a visit on the tablet (with no signal too); an open one to the same place is named first. */
function startForm(state, drafts) {
  const { user, bundle } = state;
  const schools = bundle.school_framework ? bundle.schools : [];
  const group = (label, kind, list, text) => el("optgroup", { label }, ...list.map((item) => el("option", { value: `${kind}:${item.id}`, text: text(item) })));
  const select = el("select", { class: "govuk-select", id: "start-provider", name: "visited" }, group("Providers", "provider", bundle.providers, (p) => `${p.name}, ${p.postcode}`), schools.length ? group("Schools", "school", schools, (s) => s.name) : "");
  // A sync redraws this list: the choice made stays.
  if (state.choice) select.value = state.choice;
  select.addEventListener("change", () => (state.choice = select.value));
  const message = el("div", { "data-open-visit": true });
  const form = el(
    "form",
    { novalidate: true, "data-start-form": true },
    el("h2", { class: "govuk-heading-m", text: "Start a visit" }),
    el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "start-provider", text: schools.length ? "Provider or school" : "Provider" }), select),
    dateInput("visit_date", { legend: bundle.labels.fields.visit_date.label, value: new Date().toISOString().slice(0, 10) }),
    radios("visit_type", { legend: bundle.labels.fields.visit_type.label, choices: bundle.labels.visit_types, value: bundle.labels.visit_types[0].code, inline: false }),
    // The server's start page asks the same: who was met and how many pupils were seen.
    textarea("people_met", { ...bundle.labels.fields.people_met }),
    input("pupils_seen", { ...bundle.labels.fields.pupils_seen, width: "govuk-input--width-4", attrs: { inputmode: "numeric" } }),
    message,
    button("Start visit", { type: "submit" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [kind, value] = select.value.split(":");
    const id = Number(value);
    const key = kind === "school" ? "school_id" : "provider_id";
    const open = drafts.find((d) => d[key] === id && ["draft", "returned"].includes(d.status));
    if (open) {
      message.replaceChildren(el("div", { class: "govuk-warning-text" }, el("strong", { class: "govuk-warning-text__text" }, `You already have an open visit to this ${kind}: `, link(`/visits/${open.uuid}`, `carry on with the visit of ${shortDate(open.visit_date)}`))));
      return;
    }
    const data = new FormData(form);
    const common = { userId: user.id, visitDate: data.get("visit_date"), visitType: data.get("visit_type") };
    const draft =
      kind === "school"
        ? newDraft({ ...common, schoolId: id, schoolName: schools.find((s) => s.id === id).name, frameworkVersion: bundle.school_framework })
        : newDraft({ ...common, providerId: id, providerName: bundle.providers.find((p) => p.id === id).name, frameworkVersion: bundle.framework.name });
    Object.assign(draft, { people_met: data.get("people_met").trim(), pupils_seen: data.get("pupils_seen").trim() });
    await queueChange(draft, toPayload(draft, bundle.labels, "draft"));
    syncNow(); // the server hears of it as soon as it can
    // Drawn here, not fetched: with no signal the server has not heard of it yet.
    history.pushState(null, "", `/visits/${draft.uuid}`);
    window.dispatchEvent(new PopStateEvent("popstate"));
  });
  return form;
}

/** The outbox's entries, one list per visit, each in the order its entries go. */
function byVisit(rows) {
  const visits = new Map();
  for (const row of rows) visits.set(row.uuid, [...(visits.get(row.uuid) || []), row]);
  return [...visits.values()].map(inOrder);
}

/** One visit's entries: waiting (with its photos and tries), a conflict to resolve, or
 * refused (the entry that stops the rest is the one shown). */
async function outboxItem(rows, name) {
  const row = rows.find((r) => r.state !== "queued") || rows.at(-1);
  const tries = rows[0].attempts;
  const caption = `${name(row.payload)}, ${shortDate(row.payload.visit_date)}`;
  if (row.state === "conflict") {
    const href = row.problem?.conflict_id ? `/visits/${row.uuid}/conflicts/${row.problem.conflict_id}` : `/visits/${row.uuid}`;
    return el("li", { class: "app-offline-conflict", "data-conflict": row.uuid }, el("strong", { text: `Conflict: ${caption}. ` }), "The visit changed on the server after the tablet took its copy. Both copies are kept. ", link(href, "Compare the copies and choose"));
  }
  if (row.state === "rejected") {
    const fields = Object.values(row.problem?.fields || {}).join("; ");
    return el("li", { "data-rejected": row.uuid }, el("strong", { text: `Not accepted: ${caption}. ` }), `${row.problem?.message || ""} ${fields}`);
  }
  const photos = (await store.photosOf(row.uuid)).length;
  const what = row.payload.status === "submitted" ? "submitted, waiting to sync" : "changes waiting to sync";
  const extra = `${photos ? `, ${plural(photos, "photo")} waiting` : ""}${tries ? ` (tried ${tries === 1 ? "once" : `${tries} times`})` : ""}`;
  return el("li", { "data-waiting": row.uuid, text: `${caption}: ${what}${extra}` });
}
