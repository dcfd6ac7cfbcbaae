// The list of visits on this tablet (the shell at any address that is not a visit's):
// the officer's drafts, what waits to sync, and starting a visit with no signal. Before
// a second visit to a provider is started, an open one is named with a link to it.
import * as store from "./db.js";
import { button, input, link, radios } from "./fields.js";
import { el, plural } from "./page.js";
import { newDraft } from "./payload.js";

/** The list page's parts; `missing` is a visit uuid the address named but the tablet lacks. */
export async function visitsList(state, missing) {
  const { user, bundle } = state;
  const drafts = await store.draftsFor(user.id);
  const waiting = await store.outboxFor(user.id);
  const name = (id) => bundle.providers.find((p) => p.id === id)?.name ?? `Provider ${id}`;
  const parts = [el("h1", { class: "govuk-heading-l", text: "Visits on this tablet" })];
  if (missing) parts.push(el("div", { class: "govuk-inset-text", text: "That visit is not on this tablet. It may be waiting to sync, or belong to someone else." }));
  if (new URLSearchParams(location.search).get("submitted")) parts.push(el("div", { class: "govuk-inset-text", "data-submitted": true, text: "Visit submitted. It is sent to the office as soon as the tablet has a signal." }));
  parts.push(
    el("h2", { class: "govuk-heading-m", text: "Drafts" }),
    el("ul", { class: "govuk-list", "data-drafts": true }, ...(drafts.length ? drafts.map((d) => el("li", {}, link(`/visits/${d.uuid}`, `${d.provider_name || name(d.provider_id)}, ${d.visit_date}`))) : [el("li", { text: "No drafts on this tablet." })])),
    el("h2", { class: "govuk-heading-m", text: "Waiting to sync" }),
    el("p", { class: "govuk-body", "data-waiting-count": true, text: waiting.length ? plural(waiting.length, "visit") : "Nothing is waiting." }),
  );
  for (const row of waiting.filter((r) => r.state === "conflict")) {
    const href = row.problem?.conflict_id ? `/visits/${row.uuid}/conflicts/${row.problem.conflict_id}` : `/visits/${row.uuid}`;
    parts.push(el("p", { class: "govuk-body", "data-conflict": row.uuid }, `${name(row.payload.provider_id)}: both copies are kept. `, link(href, "Compare the copies and choose")));
  }
  if (bundle.providers.length) parts.push(startForm(state, drafts));
  return parts;
}

/** Start a visit on the tablet (with no signal too); an open one for the provider is named first. */
function startForm(state, drafts) {
  const { user, bundle } = state;
  const select = el("select", { class: "govuk-select", id: "start-provider", name: "provider_id" }, ...bundle.providers.map((p) => el("option", { value: p.id, text: `${p.name}, ${p.postcode}` })));
  const message = el("div", { "data-open-visit": true });
  const form = el(
    "form",
    { novalidate: true, "data-start-form": true },
    el("h2", { class: "govuk-heading-m", text: "Start a visit" }),
    el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "start-provider", text: "Provider" }), select),
    input("visit_date", { label: bundle.labels.fields.visit_date.label, type: "date", value: new Date().toISOString().slice(0, 10) }),
    radios("visit_type", { legend: bundle.labels.fields.visit_type.label, choices: bundle.labels.visit_types, value: bundle.labels.visit_types[0].code, inline: false }),
    message,
    button("Start visit", { type: "submit" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const providerId = Number(select.value);
    const open = drafts.find((d) => d.provider_id === providerId && ["draft", "returned"].includes(d.status));
    if (open) {
      message.replaceChildren(el("div", { class: "govuk-warning-text" }, el("strong", { class: "govuk-warning-text__text" }, "You already have an open visit to this provider: ", link(`/visits/${open.uuid}`, `carry on with the visit of ${open.visit_date}`))));
      return;
    }
    const data = new FormData(form);
    const framework = bundle.framework;
    const draft = newDraft({ userId: user.id, providerId, providerName: bundle.providers.find((p) => p.id === providerId).name, visitDate: data.get("visit_date"), visitType: data.get("visit_type"), frameworkVersion: framework.name });
    await store.putDraft(draft);
    // Drawn here, not fetched: with no signal the server has not heard of it yet.
    history.pushState(null, "", `/visits/${draft.uuid}`);
    window.dispatchEvent(new PopStateEvent("popstate"));
  });
  return form;
}
