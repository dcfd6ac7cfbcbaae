// "What this referral still needs", kept up to date as the school fills in the referral
// form: each change posts the form to /referrals/checklist, which answers with the same
// rules the server applies on save (qa_app/referrals/rules.py), so the two never differ.
// Without scripts the list is the one worked out on the last save.

const form = document.querySelector("[data-referral-form]");
const box = document.getElementById("referral-checklist");

function show(missing) {
  const list = box.querySelector("[data-checklist-items]");
  list.replaceChildren(
    ...missing.map(({ field, message }) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.className = "govuk-link";
      link.href = `#${field}`;
      link.textContent = message;
      item.append(link);
      return item;
    }),
  );
  list.hidden = missing.length === 0;
  box.querySelector("[data-checklist-some]").hidden = missing.length === 0;
  box.querySelector("[data-checklist-none]").hidden = missing.length !== 0;
}

let timer = null;
let latest = 0;

async function refresh() {
  const asked = ++latest;
  const body = new FormData(form);
  body.delete("send");
  body.delete("save");
  const token = body.get("csrf_token") || "";
  try {
    const response = await fetch(form.dataset.checklistUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok || asked !== latest) return;
    const { missing } = await response.json();
    show(missing);
  } catch {
    // Offline or the server is away: the list from the last save stays.
  }
}

if (form && box) {
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
}
