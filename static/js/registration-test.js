// The registration test in the browser, so the result shows as the officer types (and
// offline). It mirrors qa_app/registration/law.py; a browser test checks that the
// two agree on the same table of cases.

const LABELS = {
  likely_must_register: "Likely must register",
  borderline: "Borderline: needs review",
  not_indicated: "Registration not indicated",
};
const STATUS_WORDS = { ehc_plan: "has an EHC plan", looked_after: "is looked after", sen: "has special educational needs" };

export function classify(pupil, rules) {
  const over = pupil.hours_per_week > rules.full_time_hours_over;
  const near = pupil.hours_per_week >= rules.borderline_hours_from;
  const doubts = !pupil.daytime || !pupil.main_education || pupil.weeks_per_year < rules.full_time_weeks_from;
  if (over && !doubts) return "full_time";
  if (over || (near && pupil.daytime)) return "possibly";
  return "part_time";
}

export function registrationTest(pupils, rules) {
  const kinds = pupils.map((pupil) => classify(pupil, rules));
  const full = pupils.filter((_, i) => kinds[i] === "full_time");
  const possible = pupils.filter((_, i) => kinds[i] === "possibly");
  const counts = (pupil) => rules.single_pupil_statuses.some((status) => pupil[status]);
  const threshold = rules.pupil_threshold;
  if (full.length >= threshold) return { result: "likely_must_register", limb: "five_or_more_full_time", refs: full };
  if (full.some(counts)) return { result: "likely_must_register", limb: "one_pupil_with_status", refs: full.filter(counts) };
  if (full.length + possible.length >= threshold) {
    return { result: "borderline", limb: "five_or_more_full_time", refs: full.concat(possible) };
  }
  if (possible.some(counts)) return { result: "borderline", limb: "one_pupil_with_status", refs: possible.filter(counts) };
  return { result: "not_indicated", limb: null, refs: [] };
}

function readRows(form) {
  const pupils = [];
  for (let row = 0; row < Number(form.elements.rows.value); row += 1) {
    const ref = form.elements[`ref-${row}`].value.trim();
    const hours = form.elements[`hours-${row}`].value.trim();
    if (!ref && !hours) continue;
    const pupil = { ref, hours_per_week: Number(hours) || 0, weeks_per_year: Number(form.elements[`weeks-${row}`].value || 38) };
    for (const flag of ["daytime", "ehc_plan", "looked_after", "sen", "main_education"]) {
      pupil[flag] = form.elements[`${flag}-${row}`].checked;
    }
    pupils.push(pupil);
  }
  return pupils;
}

function describe(outcome, rules) {
  const refs = outcome.refs.map((pupil) => pupil.ref).join(", ");
  if (outcome.result === "not_indicated") return LABELS.not_indicated;
  const who = outcome.limb === "five_or_more_full_time"
    ? `${outcome.refs.length} pupils (${refs}) against a line of ${rules.pupil_threshold}`
    : `${refs}, who ${rules.single_pupil_statuses.map((s) => STATUS_WORDS[s]).join(" or ")}`;
  return `${LABELS[outcome.result]}: ${who}`;
}

const form = document.querySelector("form[data-registration-rules]");
if (form) {
  const rules = JSON.parse(form.dataset.registrationRules);
  const live = document.getElementById("registration-live");
  const update = () => { live.textContent = describe(registrationTest(readRows(form), rules), rules); };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}
