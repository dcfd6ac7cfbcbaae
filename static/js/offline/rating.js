// Ratings, why, and what blocks submitting: as qa_app/framework/rating.py (a browser test holds them).

const RATINGS = ["met", "partly_met", "not_met", "not_seen"];
const JUDGED = ["met", "partly_met", "not_met"];
const RAG_LABELS = { red: "Red", amber: "Amber", green: "Green" };
const NUMBERS = { 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight" };
// submission_blockers' messages (services.NOT_JUDGED and services.NO_EVIDENCE).
const notJudged = (criterion) => `Judge ${criterion.code}: ${criterion.text}`;
const noEvidence = (code) => `Enter the evidence for ${code}`;

const share = (count, total) => `${count} of ${total}`;

/** One theme's {rag, why, insufficient_evidence, judged, total} (rating.rate_theme). */
export function rateTheme(criteria, ratings, rules) {
  const judged = criteria.filter((c) => JUDGED.includes(ratings[c.code]));
  const notMet = judged.filter((c) => ratings[c.code] === "not_met");
  const partly = judged.filter((c) => ratings[c.code] === "partly_met");
  const notSeen = criteria.filter((c) => ratings[c.code] === "not_seen");
  const rating = { rag: null, why: [], insufficient_evidence: false, judged: judged.length, total: criteria.length };
  rating.insufficient_evidence = criteria.length > 0 && notSeen.length > rules.insufficient_not_seen_fraction * criteria.length;
  if (rating.insufficient_evidence) {
    rating.why.push(`Insufficient evidence: ${share(notSeen.length, criteria.length)} criteria not seen`);
  }
  if (judged.length) colour(rating, criteria, judged, notMet, partly, notSeen, rules);
  if (rating.insufficient_evidence && rating.rag !== "red") rating.rag = null;
  return rating;
}

function colour(rating, criteria, judged, notMet, partly, notSeen, rules) {
  const criticalNotMet = notMet.filter((c) => c.critical);
  const criticalNotSeen = notSeen.filter((c) => c.critical);
  const halfNotMet = notMet.length >= rules.theme_red_not_met_fraction * judged.length;
  if (criticalNotMet.length || halfNotMet) {
    rating.rag = "red";
    rating.why.push(...criticalNotMet.map((c) => `${c.code} ${c.text}: critical criterion not met`));
    if (halfNotMet) {
      const codes = notMet.map((c) => c.code).join(", ");
      rating.why.push(`${share(notMet.length, judged.length)} judged criteria not met (${codes})`);
    }
  } else if (notMet.length || partly.length || criticalNotSeen.length) {
    rating.rag = "amber";
    rating.why.push(...notMet.map((c) => `${c.code} ${c.text}: not met`));
    rating.why.push(...partly.map((c) => `${c.code} ${c.text}: partly met`));
    rating.why.push(...criticalNotSeen.map((c) => `${c.code} ${c.text}: critical criterion not seen`));
  } else {
    rating.rag = "green";
    rating.why.push(allMet(judged, notSeen, criteria));
  }
}

function allMet(judged, notSeen, criteria) {
  if (judged.length === criteria.length) return `All ${criteria.length} criteria met`;
  const rest = criteria.length - judged.length - notSeen.length;
  return `${share(judged.length, criteria.length)} criteria seen and met` + (notSeen.length ? "; not seen: " + notSeen.map((c) => c.code).join(", ") : "") + (rest ? `; ${rest} not yet judged` : "");
}

/** The overall [rag, why] from {theme code: rating} (rating.rate_overall). */
function rateOverall(framework, themes) {
  const rules = framework.rules;
  const named = (rag) => framework.themes.filter((t) => themes[t.code].rag === rag);
  const red = named("red");
  const amber = named("amber");
  const thin = framework.themes.filter((t) => themes[t.code].insufficient_evidence && !themes[t.code].rag);
  const decisive = red.filter((t) => rules.overall_red_if_theme_red.includes(t.code));
  const manyRed = red.length >= rules.overall_red_theme_count;
  if (decisive.length || manyRed) {
    const why = decisive.map((t) => `${t.name} is Red`);
    if (manyRed) why.push(`${red.length} themes are Red: ` + red.map((t) => t.name).join(", "));
    return ["red", why];
  }
  if (red.length || amber.length || thin.length) {
    return [
      "amber",
      [
        ...red.map((t) => `${t.name} is Red`),
        ...amber.map((t) => `${t.name} is Amber`),
        ...thin.map((t) => `${t.name} has insufficient evidence`),
      ],
    ];
  }
  if (framework.themes.every((t) => themes[t.code].rag === "green")) return ["green", [`All ${NUMBERS[framework.themes.length] || framework.themes.length} themes are Green`]];
  const unrated = framework.themes.filter((t) => themes[t.code].rag === null).map((t) => t.name);
  return [null, ["Not yet rated: " + unrated.join(", ")]];
}

/** Every theme's rating and the overall one, as rating.rate_visit and ThemeRating.as_dict. */
export function rateVisit(framework, ratings) {
  const themes = {};
  for (const theme of framework.themes) themes[theme.code] = rateTheme(theme.criteria, ratings, framework.rules);
  const [rag, why] = rateOverall(framework, themes);
  return { themes, overall: { rag, why } };
}

/** {criterion code: rating} of a visit's judgements. */
export function ratingsOf(visit) {
  return Object.fromEntries((visit.judgements || []).map((j) => [j.criterion, j.rating]));
}

/** What a page shows of one theme's rating while the visit is in progress (rating.theme_shown). */
function themeShown(rating, criteria, ratings) {
  const unjudged = criteria.filter((c) => !RATINGS.includes(ratings[c.code]));
  const critical = unjudged.filter((c) => c.critical).map((c) => c.code);
  const settledRed = criteria.some((c) => c.critical && ratings[c.code] === "not_met");
  let state;
  let label;
  if (criteria.length && unjudged.length === criteria.length) {
    [state, label] = ["not_started", "Not yet rated"];
  } else if (rating.insufficient_evidence && rating.rag === null) {
    [state, label] = ["insufficient", "Insufficient evidence"];
  } else if (!unjudged.length) {
    state = rating.rag ? "rated" : "not_rated";
    label = rating.rag ? `${RAG_LABELS[rating.rag]} so far` : "Not rated: no criterion seen";
  } else if (critical.length && !settledRed) {
    [state, label] = ["withheld", `Not yet rated: ${critical.join(", ")} (critical) not judged`];
  } else if (rating.rag) {
    [state, label] = ["provisional", `${RAG_LABELS[rating.rag]} so far`];
  } else {
    [state, label] = ["not_rated", "Not yet rated"];
  }
  const shown = state === "provisional" || state === "rated";
  return {
    state,
    rag: shown ? rating.rag : null,
    why: state === "not_started" || state === "withheld" ? [] : [...rating.why],
    label,
    unjudged: unjudged.length,
    unjudged_critical: critical,
  };
}

/** Every rating as a page may show it (rating.ratings_shown): never "Green so far" while a
 * critical criterion is unjudged, and no overall rating until every theme is judged. */
export function ratingsShown(framework, ratings) {
  const rated = rateVisit(framework, ratings);
  const themes = {};
  for (const theme of framework.themes) themes[theme.code] = themeShown(rated.themes[theme.code], theme.criteria, ratings);
  const waiting = framework.themes.filter((t) => themes[t.code].unjudged).map((t) => t.name);
  const overall = waiting.length
    ? { shown: false, rag: null, why: [], label: "No overall rating until every theme is rated: still to judge in " + waiting.join(", ") }
    : {
        shown: true,
        rag: rated.overall.rag,
        why: [...rated.overall.why],
        label: rated.overall.rag ? RAG_LABELS[rated.overall.rag] : "Not rated",
      };
  return { themes, overall };
}

/** The bundle's placement checks a placement needs (school_placements.checks_needed). */
export function checksNeeded(placement, checks) {
  return checks.filter((c) => c.code !== "part_time_reviewed" || placement.part_time);
}

/** What stops the visit being submitted, as services.submission_blockers in the same order:
 * [{theme, key, message}], theme null for the visit date. `visit` is the API's visit JSON,
 * `today` "YYYY-MM-DD"; a school visit's `school` is {placements, checks (the bundle's)}. */
export function submissionBlockers(framework, visit, today, school = null) {
  const judged = Object.fromEntries((visit.judgements || []).map((j) => [j.criterion, j]));
  const reasons = visit.insufficient_reasons || {};
  const blockers = [];
  for (const theme of framework.themes) {
    for (const criterion of theme.criteria) {
      const judgement = judged[criterion.code];
      if (judgement === undefined) {
        blockers.push({ theme: theme.code, key: `criterion.${criterion.code}`, message: notJudged(criterion) });
      } else if (judgement.rating !== "met" && !judgement.evidence) {
        blockers.push({ theme: theme.code, key: `criterion.${criterion.code}`, message: noEvidence(criterion.code) });
      }
    }
  }
  const rated = rateVisit(framework, ratingsOf(visit));
  for (const theme of framework.themes) {
    if (rated.themes[theme.code].insufficient_evidence && !reasons[theme.code]) {
      blockers.push({
        theme: theme.code,
        key: `insufficient_reasons.${theme.code}`,
        message: `${theme.name} has insufficient evidence: record why before submitting`,
      });
    }
  }
  if (visit.school_id && school) {
    for (const placement of school.placements) {
      const answers = (visit.placement_checks || {})[placement.uuid] || {};
      for (const check of checksNeeded(placement, school.checks)) {
        if (!answers[check.code]) {
          const words = check.label[0].toLowerCase() + check.label.slice(1);
          blockers.push({ theme: "placements", key: `placement_checks.${placement.uuid}.${check.code}`, message: `Answer for ${placement.pupil_ref}: ${words}` });
        }
      }
    }
  }
  if (visit.visit_date > today) {
    blockers.push({ theme: null, key: "visit_date", message: "A visit in the future cannot be submitted: check the visit date" });
  }
  return blockers;
}

const count = (number, one, many) => `${number} ${number === 1 ? one : many}`;

/** The blockers as one readable line per theme, visit details first, then themes in
 * framework order (services.blocker_groups): [{theme, title, summary, keys}]. */
export function blockerGroups(framework, blockers) {
  const groups = [];
  const dated = blockers.filter((b) => b.theme === null).map((b) => b.key);
  if (dated.length) {
    groups.push({ theme: null, title: "Visit details", summary: "Visit details: the visit date is in the future", keys: dated });
  }
  for (const theme of framework.themes) {
    const mine = blockers.filter((b) => b.theme === theme.code);
    if (!mine.length) continue;
    const criteria = mine.filter((b) => b.key.startsWith("criterion."));
    const evidence = criteria.filter((b) => b.message === noEvidence(b.key.slice("criterion.".length)));
    const parts = [];
    if (criteria.length > evidence.length) parts.push(count(criteria.length - evidence.length, "criterion", "criteria") + " not judged");
    if (evidence.length) parts.push(count(evidence.length, "criterion needs", "criteria need") + " evidence");
    if (mine.length > criteria.length) parts.push("insufficient evidence, record why");
    groups.push({ theme: theme.code, title: theme.name, summary: `${theme.name}: ${parts.join(", ")}`, keys: mine.map((b) => b.key) });
  }
  const checks = blockers.filter((b) => b.theme === "placements").map((b) => b.key);
  if (checks.length) {
    groups.push({ theme: "placements", title: "Placements", summary: `Placements: ${count(checks.length, "answer", "answers")} still to give`, keys: checks });
  }
  return groups;
}

/** Where a blocker is fixed, as check answers links it (templates/visits/check.html). */
export function blockerHref(visitUuid, key) {
  const [kind, code] = key.split(".");
  if (kind === "visit_date") return `/visits/${visitUuid}/details`;
  if (kind === "placement_checks") return `/visits/${visitUuid}/placements#placement-${code}`;
  const anchor = kind === "criterion" ? `#criterion-${code}` : "#insufficient_reason";
  return `/visits/${visitUuid}/themes/${code.slice(0, 2)}${anchor}`;
}
